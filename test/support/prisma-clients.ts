import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { DatabaseType } from "../../src/dialects/dialect-support.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "../..");
const template = join(root, "test/prisma/schema.prisma.template");

/**
 * Generates a real Prisma 6 client for the spec's schema (offline: the
 * TypeScript query engine with driver adapters, `engineType = "client"`),
 * under node_modules/.cache, once per schema version and provider. Returns
 * the folder to import the client from.
 */
export function generatePrismaClient(databaseType: DatabaseType): string {
  const provider = databaseType === "postgresql" ? "postgresql" : "sqlite";
  const schemaText = readFileSync(template, "utf8");
  const hash = createHash("sha256").update(schemaText).update(provider).digest("hex").slice(0, 12);
  const workDir = join(root, "node_modules/.cache/kwp-prisma", `${provider}-${hash}`);
  const output = join(workDir, "client");
  if (existsSync(join(output, "index.js"))) return output;

  mkdirSync(workDir, { recursive: true });
  writeFileSync(
    join(workDir, "schema.prisma"),
    schemaText
      .replaceAll("{{provider}}", provider)
      .replaceAll("{{output}}", "./client")
      .replaceAll("{{text}}", provider === "postgresql" ? "@db.Text" : ""),
  );
  const adapter =
    provider === "postgresql"
      ? `import { PrismaPg } from "@prisma/adapter-pg";\nconst adapter = async () => new PrismaPg({ connectionString: "postgres://unused" });`
      : `import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";\nconst adapter = async () => new PrismaBetterSQLite3({ url: "file:./unused.db" });`;
  writeFileSync(
    join(workDir, "prisma.config.ts"),
    `import { defineConfig } from "prisma/config";\n${adapter}\n` +
      `export default defineConfig({ experimental: { adapter: true }, engine: "js", schema: "schema.prisma", adapter });\n`,
  );
  execFileSync(process.execPath, [join(root, "node_modules/prisma/build/index.js"), "generate"], {
    cwd: workDir,
    env: { ...process.env, DATABASE_URL: provider === "postgresql" ? "postgres://unused" : "file:./unused.db", PRISMA_HIDE_UPDATE_MESSAGE: "1" },
    stdio: "pipe",
  });
  return output;
}

/**
 * A PrismaClient of the generated client, connected through the matching driver
 * adapter. `poolSize` sets the PostgreSQL adapter's pool (pg's default is 10).
 */
export async function createPrismaClient(databaseType: DatabaseType, url: string, options: { poolSize?: number } = {}): Promise<any> {
  const { PrismaClient } = await import(join(generatePrismaClient(databaseType), "index.js"));
  if (databaseType === "postgresql") {
    const { PrismaPg } = await import("@prisma/adapter-pg");
    const pool = options.poolSize === undefined ? {} : { max: options.poolSize };
    return new PrismaClient({ adapter: new PrismaPg({ connectionString: url, ...pool }) });
  }
  const { PrismaBetterSQLite3 } = await import("@prisma/adapter-better-sqlite3");
  return new PrismaClient({ adapter: new PrismaBetterSQLite3({ url: `file:${url.replace(/^sqlite:/, "")}` }) });
}
