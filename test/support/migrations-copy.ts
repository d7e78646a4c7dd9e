import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { packagedMigrationsRoot } from "../../src/database/migrations/migrations-folder.js";

/** A private copy of the package's migrations/ folder, for tests that edit files. */
export interface MigrationsCopy {
  root: string;
  /** Rewrites one file below the copy, e.g. `sqlite/0001_init.sql`. */
  edit(relativePath: string, change: (text: string) => string): void;
  write(relativePath: string, text: string): void;
  remove(): void;
}

export function copyMigrations(): MigrationsCopy {
  const root = join(mkdtempSync(join(tmpdir(), "kwp-migrations-")), "migrations");
  cpSync(packagedMigrationsRoot(), root, { recursive: true });
  return {
    root,
    edit(relativePath, change) {
      const path = join(root, relativePath);
      const before = readFileSync(path, "utf8");
      const after = change(before);
      if (after === before) throw new Error(`edit of ${relativePath} changed nothing`);
      writeFileSync(path, after);
    },
    write(relativePath, text) {
      writeFileSync(join(root, relativePath), text);
    },
    remove() {
      rmSync(join(root, ".."), { recursive: true, force: true });
    },
  };
}
