import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { DatabaseType } from "../../dialects/dialect-support.js";

/** Folder name under `migrations/` for each database type. */
export const MIGRATIONS_SUBFOLDER: Record<DatabaseType, string> = {
  postgresql: "postgresql",
  sqlite: "sqlite",
};

/**
 * The `migrations/` folder shipped with the package. The module runs from
 * `src/database/migrations/` in development and from `dist/` once built, so
 * the folder is found by walking up rather than by a fixed relative path.
 */
export function packagedMigrationsRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let depth = 0; depth < 6; depth++) {
    const candidate = join(dir, "migrations");
    if (existsSync(join(candidate, "postgresql")) && existsSync(join(candidate, "sqlite"))) {
      return candidate;
    }
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  throw new Error(
    "kysely-workflow-persistence: cannot find its migrations/ folder next to the package; " +
      "pass migrationsFolder explicitly",
  );
}

export function dialectMigrationsFolder(databaseType: DatabaseType, root = packagedMigrationsRoot()): string {
  return join(root, MIGRATIONS_SUBFOLDER[databaseType]);
}
