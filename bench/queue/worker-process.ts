// One benchmark worker in its own process (SQLite: concurrency between
// connections only exists between processes). argv: <library|floor> <url>
// <statements json file> <start at, epoch ms> <one|batch>. Prints
// {"completed": n, "finishedAt": epoch ms}.
import { readFileSync } from "node:fs";
import { sqliteFloor, type QueueOperations } from "./floor-queue.js";
import { libraryQueue } from "./library-queue.js";
import { drain } from "./drain.js";

const [contender, url, statementsFile, startAt, mode] = process.argv.slice(2);
const workerId = `bench-${process.pid}`;
const queue: QueueOperations =
  contender === "library"
    ? libraryQueue(url!, workerId)
    : sqliteFloor(url!.replace(/^sqlite:/, ""), JSON.parse(readFileSync(statementsFile!, "utf8")), workerId);
await new Promise((resolve) => setTimeout(resolve, Math.max(0, Number(startAt) - Date.now())));
const completed = await drain(queue, mode === "batch");
const finishedAt = Date.now();
await queue.close();
process.stdout.write(JSON.stringify({ completed, finishedAt }));
