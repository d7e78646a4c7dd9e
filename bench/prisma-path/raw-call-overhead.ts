// Where a call through the Prisma adapter spends its time (issue "Speed":
// the Prisma path). One statement, the queue's primary-key UPDATE shape, sent
// N times on one connection, four ways: the bare driver, the library's Kysely
// instance (direct), Prisma's raw API alone ($executeRawUnsafe), and the
// library's Kysely instance through Prisma. Prints µs per call.
// `npx tsx bench/prisma-path/raw-call-overhead.ts [postgresql|sqlite] [calls] [6|7]` (the Prisma major)
import { sql } from "kysely";
import pg from "pg";
import { createBenchDatabase } from "../support/bench-database.js";
import { openBareSqlite } from "../support/bare-sqlite.js";
import { createPrismaClient, type PrismaMajor } from "../../test/support/prisma-clients.js";
import { openDatabase } from "../../src/database/open-database.js";
import { createPrismaKysely } from "../../src/prisma/index.js";
import type { DatabaseType } from "../../src/dialects/dialect-support.js";

const databaseType = (process.argv[2] ?? "postgresql") as DatabaseType;
const calls = Number(process.argv[3] ?? 3_000);
const major = Number(process.argv[4] ?? 6) as PrismaMajor;
const database = await createBenchDatabase(databaseType);
const placeholder = (i: number) => (databaseType === "postgresql" ? `$${i}` : "?");
const text = `update "job_queue" set "updatedAt" = "updatedAt" where "id" = ${placeholder(1)} and "stageId" = ${placeholder(2)}`;

async function time(label: string, call: (i: number) => Promise<unknown> | unknown) {
  for (let i = 0; i < 200; i++) await call(i); // warm-up
  const start = performance.now();
  for (let i = 0; i < calls; i++) await call(i);
  const us = ((performance.now() - start) / calls) * 1000;
  console.log(`${databaseType.padEnd(10)} ${label.padEnd(40)} ${us.toFixed(1).padStart(7)} µs per call`);
  return us;
}

try {
  if (databaseType === "postgresql") {
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    await time("bare pg (named prepared statement)", (i) => client.query({ name: "u", text, values: [`id-${i}`, "s"] }));
    await client.end();
  } else {
    const bare = openBareSqlite(database.url);
    const statement = bare.prepare(text);
    await time("bare better-sqlite3 (prepared)", (i) => statement.run(`id-${i}`, "s"));
    bare.close();
  }
  const db = openDatabase(database.url, { postgres: { max: 1 } });
  await time("library's Kysely, direct", (i) => db.executeQuery({ sql: text, parameters: [`id-${i}`, "s"], query: sql``.toOperationNode() as never, queryId: { queryId: "q" } } as never));
  await db.destroy();
  const prisma = await createPrismaClient(databaseType, database.url, { major, poolSize: 1 });
  await prisma.$connect();
  await time(`Prisma ${major} $executeRawUnsafe`, (i) => prisma.$executeRawUnsafe(text, `id-${i}`, "s"));
  const throughPrisma = createPrismaKysely(prisma, { databaseType });
  await time(`library's Kysely through Prisma ${major}`, (i) => throughPrisma.executeQuery({ sql: text, parameters: [`id-${i}`, "s"], query: sql``.toOperationNode() as never, queryId: { queryId: "q" } } as never));
  await prisma.$disconnect();
} finally {
  await database.drop();
}
