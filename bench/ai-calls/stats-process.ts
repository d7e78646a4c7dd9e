// Runs one getStats contender in a fresh process, so peak memory (maxRSS) is
// its own. A first call with a prefix nothing matches opens the connection and
// warms statement caches; the second, timed, call reads every matching row.
// argv: <contender> <url> <prefix>. Prints {"ms", "peakRssMb"}.
import { resourceUsage } from "node:process";
import pg from "pg";
import { openDatabase } from "../../src/database/open-database.js";
import { createKyselyAICallLogger } from "../../src/ai-calls/kysely-ai-call-logger.js";
import { createPrismaAICallLogger } from "../../src/prisma/index.js";
import { createPrismaClient } from "../../test/support/prisma-clients.js";
import { openBareSqlite } from "../support/bare-sqlite.js";
import { captureStatements } from "../support/capture-statements.js";
import { specPrismaGetStats } from "./spec-prisma-stats.js";

const [contender, url, prefix] = process.argv.slice(2) as [string, string, string];
const databaseType = url.startsWith("sqlite:") ? "sqlite" : "postgresql";
let getStats: (prefix: string) => Promise<unknown>;
let close: () => Promise<void>;

if (contender === "library") {
  const db = openDatabase(url);
  const logger = createKyselyAICallLogger(db);
  getStats = (p) => logger.getStats(p);
  close = () => db.destroy();
} else if (contender === "library via Prisma" || contender === "spec's Prisma") {
  const prisma = await createPrismaClient(databaseType, url, { poolSize: 1 });
  const logger = createPrismaAICallLogger(prisma);
  getStats = contender === "spec's Prisma" ? (p) => specPrismaGetStats(prisma, p) : (p) => logger.getStats(p);
  close = () => prisma.$disconnect();
} else if (contender === "floor") {
  // The library's GROUP BY statement, captured, sent through the bare driver prepared.
  const captured = await captureStatements(url, (db) => createKyselyAICallLogger(db).getStats(prefix));
  const statement = captured.at(-1)!;
  // Its parameters are the prefix turned into a LIKE pattern (PostgreSQL) or a range (SQLite).
  const bind = (p: string) => statement.parameters.map((value) => (typeof value === "string" ? value.replace(prefix, p) : value));
  if (databaseType === "postgresql") {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    getStats = (p) => client.query({ name: "stats", text: statement.sql, values: bind(p) });
    close = () => client.end();
  } else {
    const db = openBareSqlite(url);
    const prepared = db.prepare(statement.sql);
    getStats = async (p) => prepared.all(...bind(p));
    close = async () => void db.close();
  }
} else {
  throw new Error(`unknown contender ${contender}`);
}

await getStats("no-such-topic.");
const start = performance.now();
await getStats(prefix);
const ms = performance.now() - start;
await close();
process.stdout.write(JSON.stringify({ ms, peakRssMb: resourceUsage().maxRSS / 1024 }));
