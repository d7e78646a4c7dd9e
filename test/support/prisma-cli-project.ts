import { execFile } from "node:child_process";
import { createHash, randomUUID } from "node:crypto";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { applyRawSql } from "./raw-sql.js";
import type { TestDatabase } from "./test-databases.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "../..");
const run = promisify(execFile);

/**
 * A Prisma project (schema.prisma from the spec, prisma.config.ts with the
 * driver adapter for `database`, prisma/migrations) driven by the real Prisma
 * 6.19 CLI, offline: the TypeScript engine with a driver adapter. What that CLI
 * can do offline here: `migrate diff --from-empty --to-schema-datamodel` on both
 * databases, `migrate deploy`, `migrate status` and `db pull` on SQLite, and
 * `migrate status` on PostgreSQL (its deploy and introspection need the native
 * engine there, so deploy is replayed as Prisma does it: the script, then its
 * `_prisma_migrations` row with the script's SHA-256).
 */
export class PrismaCliProject {
  readonly folder = mkdtempSync(join(tmpdir(), "kwp-prisma-cli-"));
  readonly migrationsDir = join(this.folder, "prisma/migrations");

  constructor(readonly database: TestDatabase) {
    const provider = database.databaseType;
    const template = readFileSync(join(root, "test/prisma/schema.prisma.template"), "utf8");
    mkdirSync(this.migrationsDir, { recursive: true });
    writeFileSync(
      join(this.folder, "prisma/schema.prisma"),
      template
        .replaceAll("{{provider}}", provider)
        .replaceAll("{{output}}", "./client")
        .replaceAll("{{text}}", provider === "postgresql" ? "@db.Text" : ""),
    );
    writeFileSync(join(this.migrationsDir, "migration_lock.toml"), `provider = "${provider}"\n`);
    // The PostgreSQL adapter's pool drops idle connections at once, so each CLI
    // call exits without waiting out pg's default 10 s idle timeout.
    const adapter =
      provider === "postgresql"
        ? `import { PrismaPg } from "@prisma/adapter-pg";\nconst adapter = async () => new PrismaPg({ connectionString: ${JSON.stringify(database.url)}, idleTimeoutMillis: 100 });`
        : `import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";\nconst adapter = async () => new PrismaBetterSQLite3({ url: ${JSON.stringify(`file:${this.sqlitePath}`)} });`;
    writeFileSync(
      join(this.folder, "prisma.config.ts"),
      `import { defineConfig } from "prisma/config";\n${adapter}\n` +
        `export default defineConfig({ experimental: { adapter: true }, engine: "js", schema: "prisma/schema.prisma", adapter });\n`,
    );
    symlinkSync(join(root, "node_modules"), join(this.folder, "node_modules"));
  }

  get sqlitePath(): string {
    return this.database.url.replace(/^sqlite:/, "");
  }

  /** Runs the Prisma CLI in the project; resolves with its output (stdout, then stderr). */
  async prisma(...args: string[]): Promise<string> {
    const { stdout, stderr } = await this.#run(args);
    return stdout + stderr;
  }

  #run(args: string[]) {
    // Prisma's own URL forms (its schema reads DATABASE_URL, though the adapter connects).
    const url = this.database.databaseType === "sqlite" ? `file:${this.sqlitePath}` : this.database.url;
    return run(process.execPath, [join(root, "node_modules/prisma/build/index.js"), ...args], {
      cwd: this.folder,
      env: { ...process.env, DATABASE_URL: url, PRISMA_HIDE_UPDATE_MESSAGE: "1", CHECKPOINT_DISABLE: "1", NO_COLOR: "1" },
      maxBuffer: 16 * 1024 * 1024,
    });
  }

  /** The initial migration, as `prisma migrate dev` would write it: Prisma's own DDL for the schema. */
  async writeInitialMigration(name = "20240101000000_init"): Promise<void> {
    const { stdout } = await this.#run(["migrate", "diff", "--from-empty", "--to-schema-datamodel", "prisma/schema.prisma", "--script"]);
    mkdirSync(join(this.migrationsDir, name));
    // Prisma 6.19 prints SQLite's `Json @default("{}")` as `DEFAULT {}`, which SQLite
    // rejects, so a Prisma user edits it to what it means (see reference-ddl.ts).
    const script = stdout.slice(stdout.indexOf("-- ")).replace(/DEFAULT \{\}/g, "DEFAULT '{}'");
    writeFileSync(join(this.migrationsDir, name, "migration.sql"), script);
  }

  migrationNames(): string[] {
    return readdirSync(this.migrationsDir, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name).sort();
  }

  /** `prisma migrate deploy`: the real CLI on SQLite; on PostgreSQL what it does, replayed. */
  async deploy(): Promise<void> {
    if (this.database.databaseType === "sqlite") {
      await this.prisma("migrate", "deploy");
      return;
    }
    await applyRawSql(this.database, PRISMA_MIGRATIONS_TABLE_POSTGRES);
    const applied = await this.#appliedPostgresMigrations();
    for (const name of this.migrationNames().filter((n) => !applied.has(n))) {
      const script = readFileSync(join(this.migrationsDir, name, "migration.sql"), "utf8");
      const checksum = createHash("sha256").update(script).digest("hex");
      await applyRawSql(
        this.database,
        `${script}\n;INSERT INTO "_prisma_migrations" ("id", "checksum", "finished_at", "migration_name", "applied_steps_count", "started_at") ` +
          `VALUES ('${randomUUID()}', '${checksum}', now(), '${name}', 1, now());`,
      );
    }
  }

  async #appliedPostgresMigrations(): Promise<Set<string>> {
    const pg = (await import("pg")).default;
    const client = new pg.Client({ connectionString: this.database.url });
    await client.connect();
    try {
      const { rows } = await client.query<{ migration_name: string }>(`select migration_name from "_prisma_migrations"`);
      return new Set(rows.map((row) => row.migration_name));
    } finally {
      await client.end();
    }
  }

  dispose(): void {
    rmSync(this.folder, { recursive: true, force: true });
  }
}

/** The table as Prisma creates it on PostgreSQL. */
const PRISMA_MIGRATIONS_TABLE_POSTGRES = `
  CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id" VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum" VARCHAR(64) NOT NULL,
    "finished_at" TIMESTAMPTZ,
    "migration_name" VARCHAR(255) NOT NULL,
    "logs" TEXT,
    "rolled_back_at" TIMESTAMPTZ,
    "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count" INTEGER NOT NULL DEFAULT 0
  );`;
