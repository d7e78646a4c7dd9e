import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const repositoryRoot = join(dirname(fileURLToPath(import.meta.url)), "../..");

export interface ConsumerProject {
  folder: string;
  remove(): void;
}

/**
 * An application's folder with the built package installed in its
 * node_modules as npm would lay it out (package.json, dist, migrations copied,
 * so nothing of this repository's node_modules is visible) and only the
 * `dependencies` named (linked from this repository's node_modules) beside it.
 */
export function consumerProject(
  label: string,
  dependencies: readonly string[],
  /** Packages installed under another name here: `{ kysely: "kysely-0.29" }` links that one as `kysely`. */
  aliases: Readonly<Record<string, string>> = {},
): ConsumerProject {
  const folder = mkdtempSync(join(tmpdir(), `kwp-${label}-`));
  const installed = join(folder, "node_modules/kysely-workflow-persistence");
  mkdirSync(installed, { recursive: true });
  for (const entry of ["package.json", "dist", "migrations"]) {
    cpSync(join(repositoryRoot, entry), join(installed, entry), { recursive: true, filter: (source) => !source.endsWith(".map") });
  }
  for (const dependency of dependencies) {
    mkdirSync(dirname(join(folder, "node_modules", dependency)), { recursive: true });
    symlinkSync(join(repositoryRoot, "node_modules", aliases[dependency] ?? dependency), join(folder, "node_modules", dependency));
  }
  return { folder, remove: () => rmSync(folder, { recursive: true, force: true }) };
}
