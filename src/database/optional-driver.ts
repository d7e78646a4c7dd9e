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
