import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { splitSqlStatements } from "./split-sql-statements.js";

/** One `.sql` migration file, read and split. */
export interface SqlMigrationFile {
  /** The migration name Kysely records: the file name without `.sql`. */
  readonly name: string;
  /** Key of the checksum record: the path below the dialect folder (`optional/…` for optional ones). */
  readonly checksumKey: string;
  readonly path: string;
  readonly sql: string;
  /** SHA-256 of the file with line endings normalised, so a CRLF checkout is not "modified". */
  readonly checksum: string;
  readonly statements: readonly string[];
  /** Tables the file creates; used to adopt a database whose tables already exist. */
  readonly createdTables: readonly string[];
  /** Tables the file drops (the 1.0 blob store moves its rows to the engine's table and drops its own). */
  readonly droppedTables: readonly string[];
}

/** The `*.sql` files directly inside `folder`, in file-name order (none if it does not exist). */
export function readSqlMigrationFiles(folder: string, checksumKeyPrefix = ""): SqlMigrationFile[] {
  if (!existsSync(folder)) return [];
  return readdirSync(folder, { withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith(".sql"))
    .map((entry) => entry.name)
    .sort()
    .map((fileName) => {
      const path = join(folder, fileName);
      const sql = readFileSync(path, "utf8");
      const statements = splitSqlStatements(sql);
      return {
        name: fileName.slice(0, -".sql".length),
        checksumKey: checksumKeyPrefix + fileName,
        path,
        sql,
        checksum: checksumOf(sql),
        statements,
        createdTables: createdTables(statements),
        droppedTables: statements.flatMap((statement) => {
          const match = /^drop\s+table\s+(?:if\s+exists\s+)?"([^"]+)"/i.exec(statement);
          return match ? [match[1]!] : [];
        }),
      };
    });
}

export function checksumOf(sql: string): string {
  return createHash("sha256").update(sql.replace(/\r\n/g, "\n")).digest("hex");
}

/** Tables the statements create, less those a later statement renames away (SQLite's table rebuilds). */
function createdTables(statements: readonly string[]): string[] {
  const created = statements.flatMap(createdTableName);
  const renamedAway = statements.flatMap((statement) => {
    const match = /^alter\s+table\s+"([^"]+)"\s+rename\s+to\s+"[^"]+"/i.exec(statement);
    return match ? [match[1]!] : [];
  });
  return created.filter((table) => !renamedAway.includes(table));
}

function createdTableName(statement: string): string[] {
  const match = /^create\s+table\s+(?:if\s+not\s+exists\s+)?(?:"([^"]+)"|([A-Za-z_][A-Za-z0-9_]*))/i.exec(
    statement,
  );
  if (!match) return [];
  return [match[1] ?? match[2]!];
}
