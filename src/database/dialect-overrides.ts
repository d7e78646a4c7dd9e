import type { Kysely } from "kysely";
import type { DialectSupport } from "../dialects/dialect-support.js";

/**
 * Dialect support registered for particular Kysely instances, e.g. the one the
 * Prisma adapter builds over a PrismaClient, where values arrive decoded and
 * transactions are Prisma's. Queries never look at this; createQueryContext does.
 */
const overrides = new WeakMap<Kysely<any>, DialectSupport>();

export function registerDialectSupport(db: Kysely<any>, support: DialectSupport): void {
  overrides.set(db, support);
}

export function registeredDialectSupport(db: Kysely<any>): DialectSupport | undefined {
  return overrides.get(db);
}
