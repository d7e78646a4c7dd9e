import type { Kysely } from "kysely";
import { IncompatibleSchemaError } from "../../errors.js";
import type { CatalogColumn, DialectSupport } from "../../dialects/dialect-support.js";
import type { SqlMigrationFile } from "./sql-migration-file.js";

interface ExpectedTable {
  columns: CatalogColumn[];
}

/**
 * Reads what a migration file creates, from its own statements (they are this
 * library's files, in one known layout: one `"column" TYPE [NOT NULL] …` per
 * line): columns with their declared type and nullability, and index names.
 */
export function expectedSchemaOf(file: SqlMigrationFile, dialect: DialectSupport): { tables: Map<string, ExpectedTable>; indexes: Map<string, string> } {
  const tables = new Map<string, ExpectedTable>();
  const indexes = new Map<string, string>();
  for (const statement of file.statements) {
    const table = /^create\s+table\s+(?:if\s+not\s+exists\s+)?"([^"]+)"\s*\(([\s\S]*)\)\s*$/i.exec(statement);
    if (table) {
      const columns: CatalogColumn[] = [];
      for (const line of table[2]!.split("\n")) {
        const column = /^\s*"([^"]+)"\s+("[^"]+"|[A-Za-z]+(?:\s+PRECISION)?(?:\(\d+\))?)(.*)$/.exec(line);
        if (!column) continue;
        columns.push({ name: column[1]!, type: dialect.normalizeDeclaredType(column[2]!), notNull: /\bnot\s+null\b|\bprimary\s+key\b/i.test(column[3]!) });
      }
      tables.set(table[1]!, { columns });
      continue;
    }
    const index = /^create\s+(?:unique\s+)?index\s+(?:if\s+not\s+exists\s+)?"([^"]+)"\s+on\s+"([^"]+)"/i.exec(statement);
    if (index) indexes.set(index[1]!, index[2]!);
  }
  return { tables, indexes };
}

/**
 * Before a migration whose tables all exist is recorded as applied (or a
 * Prisma-managed database is declared complete): every column the file
 * creates must be there with its type and nullability, and every index it
 * creates must exist. Columns an application added are fine.
 *
 * @throws IncompatibleSchemaError naming the first table and column that differ.
 */
export async function checkExistingSchema(db: Kysely<any>, dialect: DialectSupport, file: SqlMigrationFile): Promise<void> {
  const expected = expectedSchemaOf(file, dialect);
  for (const [table, { columns }] of expected.tables) {
    const actual = new Map((await dialect.describeColumns(db, table)).map((column) => [column.name, column]));
    for (const column of columns) {
      const found = actual.get(column.name);
      if (!found) throw new IncompatibleSchemaError(file.name, table, column.name, `has no column "${column.name}"`);
      if (found.type !== column.type) {
        throw new IncompatibleSchemaError(file.name, table, column.name, `its column "${column.name}" is ${found.type}, not ${column.type}`);
      }
      if (found.notNull !== column.notNull) {
        throw new IncompatibleSchemaError(
          file.name, table, column.name,
          `its column "${column.name}" is ${found.notNull ? "NOT NULL" : "nullable"}, not ${column.notNull ? "NOT NULL" : "nullable"}`,
        );
      }
    }
  }
  if (expected.indexes.size === 0) return;
  const existingIndexes = new Set(await dialect.listIndexes(db));
  for (const [index, table] of expected.indexes) {
    if (!existingIndexes.has(index)) throw new IncompatibleSchemaError(file.name, table, index, `has no index "${index}"`);
  }
}
