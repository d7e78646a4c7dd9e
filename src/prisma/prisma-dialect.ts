import {
  Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  SqliteAdapter,
  SqliteIntrospector,
  SqliteQueryCompiler,
  type Dialect,
} from "kysely";
import type { DatabaseType } from "../dialects/dialect-support.js";
import type { PrismaClientLike } from "./prisma-client-like.js";
import { PrismaDriver, type PrismaDriverOptions } from "./prisma-driver.js";

/**
 * A Kysely dialect over a PrismaClient: Kysely's own PostgreSQL or SQLite
 * adapter and query compiler, with a driver that sends the compiled SQL
 * through the client's raw API. Everything above it is the library's one
 * query core, unchanged.
 */
export class PrismaDialect implements Dialect {
  constructor(
    private readonly prisma: PrismaClientLike,
    private readonly databaseType: DatabaseType,
    private readonly options: PrismaDriverOptions = {},
  ) {}

  createDriver() {
    return new PrismaDriver(this.prisma, this.options);
  }

  createQueryCompiler() {
    return this.databaseType === "postgresql" ? new PostgresQueryCompiler() : new SqliteQueryCompiler();
  }

  createAdapter() {
    return this.databaseType === "postgresql" ? new PostgresAdapter() : new SqliteAdapter();
  }

  createIntrospector(db: Kysely<any>) {
    return this.databaseType === "postgresql" ? new PostgresIntrospector(db) : new SqliteIntrospector(db);
  }
}
