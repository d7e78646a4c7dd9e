import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { DatabaseType } from "../../src/dialects/dialect-support.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "../..");
const template = join(root, "test/prisma/schema.prisma.template");

/** The Prisma majors the tests run: 6.19 (`prisma`, `@prisma/*`) and 7.10 (installed under the aliases `prisma7`, `prisma-client-7`, `prisma-adapter-*-7`). */
export type PrismaMajor = 6 | 7;
export const PRISMA_MAJORS: readonly PrismaMajor[] = [6, 7];

function schemaFor(databaseType: DatabaseType, major: PrismaMajor): string {
  let text = readFileSync(template, "utf8")
    .replaceAll("{{provider}}", databaseType)
    .replaceAll("{{output}}", "./client")
    .replaceAll("{{text}}", databaseType === "postgresql" ? "@db.Text" : "");
  if (major === 7) {
    // Prisma 7: the `prisma-client` generator (TypeScript output, no engine
    // binary), and the datasource URL lives in prisma.config.ts, not the schema.
    text = text
      .replace('provider   = "prisma-client-js"', 'provider   = "prisma-client"')
      .replace(/\n\s*engineType = "client"/, "")
      .replace(/\n\s*url\s*= env\("DATABASE_URL"\)/, "");
  }
  return text;
}

/**
 * Generates a real Prisma client for the spec's schema, offline, once per
 * major, schema version and provider, and returns the module to import it from.
 * - 6.19: the TypeScript query engine with driver adapters (`engineType = "client"`),
 *   under node_modules/.cache.
 * - 7.10: `prisma generate` runs with a dummy PRISMA_SCHEMA_ENGINE_BINARY (it needs no
 *   schema engine, only checks one is there); its TypeScript output goes under
 *   .cache/ (outside node_modules, so vitest compiles it), with its runtime imports
 *   pointed at the aliased 7.x `@prisma/client`.
 */
export function generatePrismaClient(databaseType: DatabaseType, major: PrismaMajor = 6): string {
  const schemaText = schemaFor(databaseType, major);
  const hash = createHash("sha256").update(schemaText).update(databaseType).digest("hex").slice(0, 12);
  const base = major === 6 ? join(root, "node_modules/.cache/kwp-prisma") : join(root, ".cache/kwp-prisma7");
  const workDir = join(base, `${databaseType}-${hash}`);
  const entry = join(workDir, "client", major === 6 ? "index.js" : "client.ts");
  if (existsSync(entry)) return entry;

  // Built aside and renamed into place, so concurrent setups never see half a client.
  const staging = `${workDir}.tmp-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  writeFileSync(join(staging, "schema.prisma"), schemaText);
  const dummyUrl = databaseType === "postgresql" ? "postgres://unused" : "file:./unused.db";
  const env: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: dummyUrl, PRISMA_HIDE_UPDATE_MESSAGE: "1", CHECKPOINT_DISABLE: "1" };
  if (major === 6) {
    const adapter =
      databaseType === "postgresql"
        ? `import { PrismaPg } from "@prisma/adapter-pg";\nconst adapter = async () => new PrismaPg({ connectionString: "postgres://unused" });`
        : `import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";\nconst adapter = async () => new PrismaBetterSQLite3({ url: "file:./unused.db" });`;
    writeFileSync(
      join(staging, "prisma.config.ts"),
      `import { defineConfig } from "prisma/config";\n${adapter}\n` +
        `export default defineConfig({ experimental: { adapter: true }, engine: "js", schema: "schema.prisma", adapter });\n`,
    );
  } else {
    writeFileSync(join(staging, "prisma.config.ts"), `import { defineConfig } from "prisma7/config";\nexport default defineConfig({ schema: "schema.prisma" });\n`);
    writeFileSync(join(staging, "no-schema-engine"), "");
    env.PRISMA_SCHEMA_ENGINE_BINARY = join(staging, "no-schema-engine");
  }
  const cli = join(root, "node_modules", major === 6 ? "prisma" : "prisma7", "build/index.js");
  execFileSync(process.execPath, [cli, "generate"], { cwd: staging, env, stdio: "pipe" });
  if (major === 7) pointRuntimeImportsAtPrisma7(join(staging, "client"));
  mkdirSync(base, { recursive: true });
  rmSync(workDir, { recursive: true, force: true });
  renameSync(staging, workDir);
  return entry;
}

/** The generated 7.x client imports `@prisma/client/runtime/…`; here that name is 6.19, 7.x is `prisma-client-7`. */
function pointRuntimeImportsAtPrisma7(folder: string): void {
  for (const name of readdirSync(folder)) {
    const path = join(folder, name);
    if (statSync(path).isDirectory()) {
      pointRuntimeImportsAtPrisma7(path);
    } else if (name.endsWith(".ts")) {
      writeFileSync(path, readFileSync(path, "utf8").replaceAll("@prisma/client/runtime/", "prisma-client-7/runtime/"));
    }
  }
}

/**
 * A PrismaClient of the generated client, connected through the matching driver
 * adapter of the same major. `poolSize` sets the PostgreSQL adapter's pool (pg's default is 10).
 */
export async function createPrismaClient(
  databaseType: DatabaseType,
  url: string,
  options: { poolSize?: number; major?: PrismaMajor } = {},
): Promise<any> {
  const major = options.major ?? 6;
  const { PrismaClient } = await import(generatePrismaClient(databaseType, major));
  if (databaseType === "postgresql") {
    const { PrismaPg } = await import(major === 6 ? "@prisma/adapter-pg" : "prisma-adapter-pg-7");
    const pool = options.poolSize === undefined ? {} : { max: options.poolSize };
    return new PrismaClient({ adapter: new PrismaPg({ connectionString: url, ...pool }) });
  }
  const file = `file:${url.replace(/^sqlite:/, "")}`;
  if (major === 6) {
    const { PrismaBetterSQLite3 } = await import("@prisma/adapter-better-sqlite3");
    return new PrismaClient({ adapter: new PrismaBetterSQLite3({ url: file }) });
  }
  const { PrismaBetterSqlite3 } = await import("prisma-adapter-better-sqlite3-7");
  return new PrismaClient({ adapter: new PrismaBetterSqlite3({ url: file }) });
}
