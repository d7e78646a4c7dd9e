/**
 * PrismaClients for the bench: one per database and process, kept open until
 * the suite ends. A second PrismaClient opened on the same SQLite file after
 * the first was disconnected (Prisma 6.19, adapter-better-sqlite3) did not
 * commit its writes in our runs — other connections never saw them — so a
 * bench that opened a client per measurement would time writes that never
 * commit. Reusing one client avoids it; the pool is sized for the most workers.
 */
import type { DatabaseType } from "../../src/dialects/dialect-support.js";
import { createPrismaClient } from "../../test/support/prisma-clients.js";

const clients = new Map<string, Promise<any>>();

export function benchPrismaClient(databaseType: DatabaseType, url: string, poolSize = 20): Promise<any> {
  let client = clients.get(url);
  if (!client) {
    client = createPrismaClient(databaseType, url, { poolSize }).then(async (prisma) => {
      await prisma.$connect();
      return prisma;
    });
    clients.set(url, client);
  }
  return client;
}

export async function closeBenchPrismaClients(): Promise<void> {
  const open = [...clients.values()];
  clients.clear();
  for (const client of open) await (await client).$disconnect();
}
