/**
 * The in-process queue contenders and how each one is opened for a number of
 * concurrent workers. The Prisma contenders share one PrismaClient per process
 * (as an application would, see bench-prisma.ts), its pool large enough for two
 * connections per worker; the library and the floor give each worker two
 * connections of its own (claims and overlapped completions).
 */
import { readFileSync } from "node:fs";
import { openDatabase } from "../../src/database/open-database.js";
import type { DatabaseType } from "../../src/dialects/dialect-support.js";
import { createPrismaJobQueue } from "../../src/prisma/index.js";
import { createKyselyJobQueue } from "../../src/queue/kysely-job-queue.js";
import { benchPrismaClient } from "../support/bench-prisma.js";
import { postgresFloor, sqliteFloor } from "./floor-queue.js";
import { libraryQueue } from "./library-queue.js";
import type { QueueOperations } from "./queue-operations.js";
import type { QueueStatements } from "./queue-statements.js";
import { specPrismaQueue } from "./spec-prisma-queue.js";

export const IN_PROCESS_CONTENDERS = ["library", "library via Prisma", "spec's Prisma", "floor"] as const;
export type InProcessContender = (typeof IN_PROCESS_CONTENDERS)[number];

export interface QueueTarget {
  databaseType: DatabaseType;
  /** The library's URL form: postgres://… or sqlite:<file>. */
  url: string;
  /** A JSON file holding the captured QueueStatements, for the floor. */
  statementsFile: string;
}

export interface QueueSession {
  workers: QueueOperations[];
  close(): Promise<void>;
}

export async function openQueueSession(contender: InProcessContender, target: QueueTarget, workers: number): Promise<QueueSession> {
  const ids = Array.from({ length: workers }, (_, i) => `bench-${process.pid}-${i}`);
  switch (contender) {
    case "library": {
      const queues = ids.map((workerId) => {
        // Two connections: a worker that overlaps a completion with its next claim uses both.
        const db = openDatabase(target.url, { postgres: { max: 2 } });
        return libraryQueue(createKyselyJobQueue(db, { workerId, listen: false }), () => db.destroy());
      });
      return { workers: queues, close: async () => void (await Promise.all(queues.map((q) => q.close()))) };
    }
    case "library via Prisma":
    case "spec's Prisma": {
      const prisma = await benchPrismaClient(target.databaseType, target.url);
      const queues = ids.map((workerId) =>
        contender === "spec's Prisma"
          ? specPrismaQueue(prisma, target.databaseType, workerId)
          : libraryQueue(createPrismaJobQueue(prisma, { workerId }), async () => {}),
      );
      return { workers: queues, close: async () => {} }; // the client outlives the session (see bench-prisma.ts)
    }
    case "floor": {
      const statements = JSON.parse(readFileSync(target.statementsFile, "utf8")) as QueueStatements;
      const queues = await Promise.all(
        ids.map((workerId) =>
          target.databaseType === "postgresql"
            ? postgresFloor(target.url, statements, workerId)
            : sqliteFloor(target.url.replace(/^sqlite:/, ""), statements, workerId),
        ),
      );
      return { workers: queues, close: async () => void (await Promise.all(queues.map((q) => q.close()))) };
    }
  }
}
