import { sql, type Kysely, type SelectQueryBuilder, type SqlBool } from "kysely";
import type { DialectSupport } from "../dialect-support.js";
import { postgresCodecs } from "./postgres-codecs.js";

/** The schema a catalog query looks in: the named one, else the connection's current schema. */
const schemaOf = (schema: string | undefined) => (schema === undefined ? sql`current_schema()` : sql`${schema}`);

const bySchema = new Map<string, DialectSupport>();

/**
 * PostgreSQL support with every table and enum type qualified by `schema`
 * (e.g. Prisma's `?schema=app`); one object per schema, so prepared templates
 * compiled for one schema are never used for another.
 */
export function postgresSupportIn(schema: string | undefined): DialectSupport {
  if (schema === undefined) return postgresSupport;
  let support = bySchema.get(schema);
  if (!support) {
    support = createPostgresSupport(schema);
    bySchema.set(schema, support);
  }
  return support;
}

export const postgresSupport: DialectSupport = createPostgresSupport(undefined);

function createPostgresSupport(schema: string | undefined): DialectSupport {
  return {
    databaseType: "postgresql",
    ...postgresCodecs,
    ...(schema === undefined
      ? {}
      : { schema, enumValue: (type: string, value: string) => sql`${value}::${sql.id(schema, type)}` }),

    supportsDataModifyingCtes: true,
    lockForClaim: <QB extends SelectQueryBuilder<any, any, any>>(query: QB) => query.forUpdate().skipLocked() as QB,

    async listTables(db: Kysely<any>): Promise<string[]> {
      // current_schema() rather than 'public' when no schema is named: an
      // application may keep these tables in its own schema through search_path.
      const { rows } = await sql<{ table_name: string }>`
        select table_name::text as table_name from information_schema.tables
        where table_schema = ${schemaOf(schema)} and table_type = 'BASE TABLE'
        order by table_name`.execute(db);
      return rows.map((row) => row.table_name);
    },

    isTransientLockError(): boolean {
      // Migrations take an advisory lock and claims use SKIP LOCKED: PostgreSQL
      // waits on locks instead of failing, so nothing here is worth a blind retry.
      return false;
    },

    jsonTextField: (column, key) => sql<string | null>`${sql.ref(column)} ->> ${key}`,

    // LIKE is case-sensitive on PostgreSQL; escaping makes the prefix literal.
    startsWith: (column, prefix) =>
      sql<SqlBool>`${sql.ref(column)} like ${prefix.replace(/[\\%_]/g, "\\$&") + "%"} escape '\\'`,

    constraintViolation(error) {
      const code = (error as { code?: unknown } | null)?.code;
      if (code === "23505") return "unique";
      if (code === "23503") return "foreign_key";
      return undefined;
    },

    async listColumns(db, table) {
      const { rows } = await sql<{ column_name: string }>`
        select column_name::text as column_name from information_schema.columns
        where table_schema = ${schemaOf(schema)} and table_name = ${table}
        order by ordinal_position`.execute(db);
      return rows.map((row) => row.column_name);
    },

    writeTransaction(db, work) {
      return db.transaction().execute(work);
    },

    async runMigrationTransaction(db, work) {
      return (await work(db)).value;
    },
  };
}
