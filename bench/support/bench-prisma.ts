/**
 * PrismaClients for the bench: one per database and process, kept open until
 * the suite ends, as an application holds one; the pool is sized for two
 * connections for each of the 16 workers the queue suite runs at most.
 */
import type { DatabaseType } from "../../src/dialects/dialect-support.js";
import { createPrismaClient } from "../../test/support/prisma-clients.js";

const clients = new Map<string, Promise<any>>();

export function benchPrismaClient(databaseType: DatabaseType, url: string, poolSize = 34): Promise<any> {
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
