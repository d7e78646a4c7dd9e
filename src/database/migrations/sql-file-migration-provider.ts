import { sql, type Kysely, type Migration, type MigrationProvider } from "kysely";
import { PartialSchemaError } from "../../errors.js";
import type { DialectSupport } from "../../dialects/dialect-support.js";
import { recordChecksum } from "./migration-checksums.js";
import type { SqlMigrationFile } from "./sql-migration-file.js";
import { checkAdoptable } from "./expected-schema.js";

/**
 * A Kysely MigrationProvider over plain `.sql` files, so that the files a DBA
 * applies with `psql -f` / `sqlite3` and what the library applies are the same.
 *
 * A migration that creates tables is *adopted* instead of run when every table it
 * creates already exists: a database made by `prisma migrate` (or by a DBA from
 * the same files) is recorded as migrated rather than failing with "already
 * exists", after their columns and indexes were compared with the file's
 * (IncompatibleSchemaError otherwise). When only some of its tables exist, the
 * database is in a state neither path can trust, and migrating stops with a
 * PartialSchemaError naming them.
 */
export class SqlFileMigrationProvider implements MigrationProvider {
  readonly #files: readonly SqlMigrationFile[];
  readonly #support: DialectSupport;
  readonly #adopted: string[] = [];

  constructor(files: readonly SqlMigrationFile[], support: DialectSupport) {
    this.#files = files;
    this.#support = support;
  }

  /** Names of the migrations this provider adopted rather than ran. */
  get adopted(): readonly string[] {
    return this.#adopted;
  }

  async getMigrations(): Promise<Record<string, Migration>> {
    const migrations: Record<string, Migration> = {};
    for (const file of this.#files) {
      migrations[file.name] = { up: (db) => this.#up(db, file) };
    }
    return migrations;
  }

  /**
   * Under a savepoint: when a statement fails, PostgreSQL aborts the whole
   * transaction, and the migrator's own statements after it (recording the
   * failure, releasing its lock) would fail too and hide which migration broke.
   * Rolled back to the savepoint, the run ends cleanly, names the migration,
   * and is then rolled back whole.
   */
  async #up(db: Kysely<any>, file: SqlMigrationFile): Promise<void> {
    await sql`savepoint kwp_migration`.execute(db);
    try {
      await this.#apply(db, file);
    } catch (error) {
      await sql`rollback to savepoint kwp_migration`.execute(db).catch(() => {});
      throw error;
    }
    await sql`release savepoint kwp_migration`.execute(db);
  }

  async #apply(db: Kysely<any>, file: SqlMigrationFile): Promise<void> {
    if (await this.#adoptExistingTables(db, file)) {
      this.#adopted.push(file.name);
    } else {
      await executeMigrationFile(db, this.#support, file);
    }
    await recordChecksum(db, file);
  }

  async #adoptExistingTables(db: Kysely<any>, file: SqlMigrationFile): Promise<boolean> {
    if (file.createdTables.length === 0) return false;
    const existing = new Set(await this.#support.listTables(db));
    if (this.#replacedAlready(file, existing)) return true;
    const present = file.createdTables.filter((table) => existing.has(table));
    if (present.length === 0) return false;
    if (present.length === file.createdTables.length) {
      // Same names are not the same tables: compare before recording anything.
      await checkAdoptable(db, this.#support, this.#files, this.#files.indexOf(file));
      return true;
    }
    const missing = file.createdTables.filter((table) => !existing.has(table));
    throw new PartialSchemaError(file.name, present, missing);
  }

  /**
   * A file whose tables a later file drops, on a database that already has
   * every table of that later file (the blob store's kwp_blobs, on a database
   * that has the engine's workflow_blobs): nothing to create, and the later
   * file is adopted in its turn.
   */
  #replacedAlready(file: SqlMigrationFile, existing: ReadonlySet<string>): boolean {
    const later = this.#files.slice(this.#files.indexOf(file) + 1);
    const replacing = later.find((next) => file.createdTables.every((table) => next.droppedTables.includes(table)));
    return (
      replacing !== undefined &&
      file.createdTables.every((table) => !existing.has(table)) &&
      replacing.createdTables.length > 0 &&
      replacing.createdTables.every((table) => existing.has(table))
    );
  }
}

/**
 * Runs a file's statements on `db` (inside the migration's transaction). The
 * files name no schema (they are what a DBA runs with psql): unqualified names
 * resolve to the handle's schema, set for the rest of the transaction.
 */
export async function executeMigrationFile(db: Kysely<any>, support: DialectSupport, file: SqlMigrationFile): Promise<void> {
  if (support.schema !== undefined) {
    await sql`set local search_path to ${sql.id(support.schema)}`.execute(db);
  }
  for (const statement of file.statements) {
    await sql.raw(statement).execute(db);
  }
}
