import { createRequire } from "node:module";
import { ConfigurationError } from "../errors.js";

const requireFromHere = createRequire(import.meta.url);
const loaded = new Map<string, unknown>();

/**
 * The database drivers are optional peer dependencies: a PostgreSQL
 * application installs `pg` and never compiles better-sqlite3, a SQLite one
 * installs better-sqlite3 and no `pg`. Each is loaded the first time a
 * database of its kind is opened, with an error that says what to install.
 */
export function loadDriver<T>(name: "pg" | "better-sqlite3", purpose: string): T {
  let driver = loaded.get(name) as T | undefined;
  if (driver === undefined) {
    refuseUnsupportedRuntime(name);
    try {
      const module = requireFromHere(name) as { default?: T } & T;
      driver = (module.default ?? module) as T;
    } catch (error) {
      if ((error as { code?: string }).code !== "MODULE_NOT_FOUND") throw error;
      throw new ConfigurationError(`${purpose} needs the "${name}" package, which is not installed: npm install ${name}`, { cause: error });
    }
    loaded.set(name, driver);
  }
  return driver;
}

/**
 * better-sqlite3 13 needs Node 22 or newer (its `engines`): on Node 20 it
 * installs with a warning, then the process dies with a segmentation fault
 * on first use. Refused by name before it is loaded, saying which to install.
 */
function refuseUnsupportedRuntime(name: string): void {
  if (name !== "better-sqlite3") return;
  let version: string;
  try {
    version = (requireFromHere(`${name}/package.json`) as { version: string }).version;
  } catch {
    return; // not installed (loadDriver says so), or a copy without its package.json
  }
  const major = Number(version.split(".")[0]);
  const nodeMajor = Number(process.versions.node.split(".")[0]);
  if (major >= 13 && nodeMajor < 22) {
    throw new ConfigurationError(
      `better-sqlite3 ${version} needs Node 22 or newer, and this is Node ${process.versions.node} (loading it would crash the process): ` +
        "npm install better-sqlite3@12 on Node 20, or move to Node 22",
    );
  }
}
