import type { Kysely } from "kysely";
import { IncompatibleSchemaError } from "../../errors.js";
import type { CatalogColumn, DialectSupport } from "../../dialects/dialect-support.js";
import type { SqlMigrationFile } from "./sql-migration-file.js";

export interface ExpectedSchema {
  /** Columns per table, in the state the files leave them. */
  tables: Map<string, CatalogColumn[]>;
  /** Index name → table. */
  indexes: Map<string, string>;
}

const TYPE = String.raw`("[^"]+"|[A-Za-z]+(?:\s+PRECISION)?(?:\(\d+\))?)`;
const COLUMN_LINE = new RegExp(String.raw`^\s*"([^"]+)"\s+${TYPE}(.*)$`);
const CREATE_TABLE = /^create\s+table\s+(?:if\s+not\s+exists\s+)?"([^"]+)"\s*\(([\s\S]*)\)\s*$/i;
const ADD_COLUMN = new RegExp(String.raw`^alter\s+table\s+"([^"]+)"\s+add\s+column\s+"([^"]+)"\s+${TYPE}(.*)$`, "is");
const ALTER_TYPE = new RegExp(String.raw`^alter\s+table\s+"([^"]+)"\s+alter\s+column\s+"([^"]+)"\s+type\s+${TYPE}`, "is");
const DROP_NOT_NULL = /^alter\s+table\s+"([^"]+)"\s+alter\s+column\s+"([^"]+)"\s+drop\s+not\s+null/is;
const RENAME_TABLE = /^alter\s+table\s+"([^"]+)"\s+rename\s+to\s+"([^"]+)"/is;
const DROP_TABLE = /^drop\s+table\s+(?:if\s+exists\s+)?"([^"]+)"/is;
const CREATE_INDEX = /^create\s+(?:unique\s+)?index\s+(?:if\s+not\s+exists\s+)?"([^"]+)"\s+on\s+"([^"]+)"/is;
const DROP_INDEX = /^drop\s+index\s+(?:if\s+exists\s+)?"([^"]+)"/is;

const notNullIn = (rest: string) => /\bnot\s+null\b|\bprimary\s+key\b/i.test(rest);

/**
 * What `files` leave behind, read from their own statements (they are this
 * library's files, in a few known forms: `CREATE TABLE` with one `"column" TYPE
 * [NOT NULL] …` per line, `ADD COLUMN`, `ALTER COLUMN … TYPE` / `DROP NOT NULL`,
 * table renames and drops, index creation and drops): the columns of each
 * table with type and nullability, and the index names.
 */
export function expectedSchemaOf(files: readonly SqlMigrationFile[], dialect: DialectSupport): ExpectedSchema {
  const tables = new Map<string, CatalogColumn[]>();
  const indexes = new Map<string, string>();
  const type = (declared: string) => dialect.normalizeDeclaredType(declared);
  for (const statement of files.flatMap((file) => file.statements)) {
    let match: RegExpExecArray | null;
    if ((match = CREATE_TABLE.exec(statement))) {
      const columns: CatalogColumn[] = [];
      for (const line of match[2]!.split("\n")) {
        const column = COLUMN_LINE.exec(line);
        if (column) columns.push({ name: column[1]!, type: type(column[2]!), notNull: notNullIn(column[3]!) });
      }
      tables.set(match[1]!, columns);
    } else if ((match = ADD_COLUMN.exec(statement))) {
      tables.get(match[1]!)?.push({ name: match[2]!, type: type(match[3]!), notNull: notNullIn(match[4]!) });
    } else if ((match = ALTER_TYPE.exec(statement))) {
      const column = tables.get(match[1]!)?.find((c) => c.name === match![2]);
      if (column) column.type = type(match[3]!);
    } else if ((match = DROP_NOT_NULL.exec(statement))) {
      const column = tables.get(match[1]!)?.find((c) => c.name === match![2]);
      if (column) column.notNull = false;
    } else if ((match = RENAME_TABLE.exec(statement))) {
      const columns = tables.get(match[1]!);
      tables.delete(match[1]!);
      if (columns) tables.set(match[2]!, columns);
      for (const [index, table] of indexes) if (table === match[1]) indexes.set(index, match[2]!);
    } else if ((match = DROP_TABLE.exec(statement))) {
      tables.delete(match[1]!);
      for (const [index, table] of indexes) if (table === match[1]) indexes.delete(index);
    } else if ((match = CREATE_INDEX.exec(statement))) {
      indexes.set(match[1]!, match[2]!);
    } else if ((match = DROP_INDEX.exec(statement))) {
      indexes.delete(match[1]!);
    }
  }
  return { tables, indexes };
}

/**
 * Before migrations whose tables all exist are recorded as applied (or a
 * Prisma-managed database is declared complete): every column the files
 * leave must be there with its type and nullability, and every index they
 * leave must exist. Columns an application added are fine.
 *
 * @throws IncompatibleSchemaError naming the first table and column that differ.
 */
export async function checkExistingSchema(db: Kysely<any>, dialect: DialectSupport, files: readonly SqlMigrationFile[]): Promise<void> {
  await checkSchemaState(db, dialect, expectedSchemaOf(files, dialect), files[files.length - 1]!.name);
}

/**
 * Before `chain[index]` is adopted: its tables must look as the chain leaves
 * them after it, or after any later file (a database Prisma made at a later
 * contract version: the 1.0 schema no longer has some of 0001's indexes).
 *
 * @throws IncompatibleSchemaError for the state right after the file when none matches.
 */
export async function checkAdoptable(db: Kysely<any>, dialect: DialectSupport, chain: readonly SqlMigrationFile[], index: number): Promise<void> {
  const file = chain[index]!;
  const tables = new Set(file.createdTables);
  let first: unknown;
  for (let end = index + 1; end <= chain.length; end++) {
    try {
      await checkSchemaState(db, dialect, expectedSchemaOf(chain.slice(0, end), dialect), file.name, tables);
      return;
    } catch (error) {
      if (!(error instanceof IncompatibleSchemaError)) throw error;
      first ??= error;
    }
  }
  throw first;
}

async function checkSchemaState(
  db: Kysely<any>,
  dialect: DialectSupport,
  expected: ExpectedSchema,
  migration: string,
  onlyTables?: ReadonlySet<string>,
): Promise<void> {
  const checked = (table: string) => onlyTables === undefined || onlyTables.has(table);
  for (const [table, columns] of expected.tables) {
    if (!checked(table)) continue;
    const actual = new Map((await dialect.describeColumns(db, table)).map((column) => [column.name, column]));
    for (const column of columns) {
      const found = actual.get(column.name);
      if (!found) throw new IncompatibleSchemaError(migration, table, column.name, `has no column "${column.name}"`);
      if (found.type !== column.type) {
        throw new IncompatibleSchemaError(migration, table, column.name, `its column "${column.name}" is ${found.type}, not ${column.type}`);
      }
      if (found.notNull !== column.notNull) {
        throw new IncompatibleSchemaError(
          migration, table, column.name,
          `its column "${column.name}" is ${found.notNull ? "NOT NULL" : "nullable"}, not ${column.notNull ? "NOT NULL" : "nullable"}`,
        );
      }
    }
  }
  const indexes = [...expected.indexes].filter(([, table]) => checked(table));
  if (indexes.length === 0) return;
  const existingIndexes = new Set(await dialect.listIndexes(db));
  for (const [index, table] of indexes) {
    if (!existingIndexes.has(index)) throw new IncompatibleSchemaError(migration, table, index, `has no index "${index}"`);
  }
}
