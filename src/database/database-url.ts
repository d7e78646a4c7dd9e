import { ConfigurationError } from "../errors.js";
import type { DatabaseType } from "../dialects/dialect-support.js";
import {
  parsePostgresUri,
  sslModeOf,
  targetSessionAttrsOf,
  type PostgresEndpoint,
  type SslMode,
  type TargetSessionAttrs,
} from "../dialects/postgres/postgres-uri.js";

export interface ParsedDatabaseUrl {
  databaseType: DatabaseType;
  /** The pg connection string (Prisma's own parameters removed), or the SQLite file name (`:memory:` included). */
  target: string;
  /** PostgreSQL: `?schema=` (Prisma's convention for the schema holding the tables). */
  schema?: string;
  /** PostgreSQL: `?connection_limit=` (Prisma's pool size). */
  poolSize?: number;
  /** PostgreSQL: `?pool_timeout=` (Prisma's, in seconds) in ms: the longest wait for a pooled connection. */
  poolTimeoutMs?: number;
  /**
   * PostgreSQL: `?connect_timeout=` (libpq's and Prisma's, in seconds) in ms:
   * the longest wait for one server to accept a connection, per host of a list.
   */
  connectTimeoutMs?: number;
  /** PostgreSQL: `?pgbouncer=true`: the URL reaches a transaction-mode pooler. */
  transactionPooler?: boolean;
  /** PostgreSQL: the servers to try, in order (a libpq host list: `postgres://h1:5432,h2:5432/db`). */
  endpoints?: PostgresEndpoint[];
  /** PostgreSQL: the database the URL names (libpq's default, the user name, when none). */
  database?: string;
  /** PostgreSQL: libpq's `target_session_attrs` (default "any"): which of them a connection must reach. */
  targetSessionAttrs?: TargetSessionAttrs;
  /** PostgreSQL: libpq's `sslmode`, with libpq's meanings, when the URL names one. */
  sslmode?: SslMode;
}

/** Prisma's parameters in a PostgreSQL URL, which pg does not know and must not receive. */
const PRISMA_PARAMETERS = ["schema", "connection_limit", "pool_timeout", "pgbouncer"] as const;

/**
 * Accepted forms:
 * - `postgres://…` and `postgresql://…`, with Prisma's `schema`, `connection_limit`,
 *   `pool_timeout` and `pgbouncer` parameters honoured (and not passed on to pg);
 *   libpq's host lists (`postgres://h1:5432,h2:5432/db`), `target_session_attrs`
 *   and `sslmode` with libpq's meanings
 * - `sqlite:path`, `sqlite://path` (relative), `sqlite:///abs/path`, `sqlite::memory:`
 * - Prisma's SQLite form `file:./dev.db` / `file:dev.db` / `file:/abs/dev.db` (its
 *   parameters ignored: they configure Prisma's own connection)
 * - `:memory:` and a plain file path (`./workflow.db`, `/var/lib/app/workflow.db`,
 *   `workflow.db`); a bare word (`workflow`, `nc_b`) is refused, never a file
 *
 * A relative SQLite path is resolved against the process's working directory.
 * Any other `scheme:` is refused, so a typo never becomes a file name.
 */
export function parseDatabaseUrl(url: string): ParsedDatabaseUrl {
  if (typeof url !== "string" || url.trim() === "") {
    throw new ConfigurationError("The database URL is empty: pass postgres://… or sqlite:path");
  }
  if (/^postgres(ql)?:\/\//i.test(url)) return parsePostgresUrl(url);
  const sqliteMatch = /^(sqlite|file):(\/\/)?(.*)$/i.exec(url);
  if (sqliteMatch) {
    const isPrismaFile = sqliteMatch[1]!.toLowerCase() === "file";
    let path = sqliteMatch[3] ?? "";
    if (isPrismaFile) {
      path = path.replace(/\?.*$/, "");
      // file:///abs/dev.db is an absolute path; file://dev.db a relative one.
      if (sqliteMatch[2] && path.startsWith("/")) path = `/${path.replace(/^\/+/, "")}`;
    }
    if (path === "") throw new ConfigurationError(`The SQLite URL ${JSON.stringify(url)} names no file`);
    return { databaseType: "sqlite", target: path };
  }
  // A bare word (a database's name, an unset variable's name) would silently
  // become a SQLite file in the working directory: refused, naming the forms.
  if (/^[\w-]+$/.test(url)) {
    throw new ConfigurationError(
      `${JSON.stringify(url)} is neither a database URL nor a file path: use postgres://user@host/${url}, ` +
        `sqlite:./${url}.db, or a path such as ./${url}.db or /var/lib/app/${url}.db`,
    );
  }
  // Two or more letters before the colon: a scheme (a Windows drive letter has one).
  if (/^[a-z][a-z0-9+.-]+:/i.test(url)) {
    throw new ConfigurationError(
      `Unsupported database URL scheme in ${JSON.stringify(redactPassword(url))}: ` +
        `use postgres://… / postgresql://…, sqlite:path or file:path`,
    );
  }
  return { databaseType: "sqlite", target: url };
}

function parsePostgresUrl(url: string): ParsedDatabaseUrl {
  // libpq's URI form, host lists included (what HA tools print; Node's URL
  // parser refuses them): anything unreadable is named here, at openDatabase.
  const uri = parsePostgresUri(url, JSON.stringify(redactPassword(url)));
  const label = JSON.stringify(redactPassword(url));
  const result: ParsedDatabaseUrl = {
    databaseType: "postgresql",
    target: url,
    endpoints: uri.endpoints,
    targetSessionAttrs: targetSessionAttrsOf(uri.params, label),
  };
  if (uri.database !== undefined) result.database = uri.database;
  const sslmode = sslModeOf(uri.params, label);
  if (sslmode !== undefined) result.sslmode = sslmode;
  // Read here and where a connection is opened (connection-plan.ts); kept in the URL.
  if (uri.params.has("connect_timeout")) {
    const seconds = Number(uri.params.get("connect_timeout"));
    if (uri.params.get("connect_timeout") === "" || !Number.isFinite(seconds) || seconds < 0) throw invalidParameter(url, "connect_timeout", "must be a number of seconds (0: no limit)");
    result.connectTimeoutMs = Math.round(seconds * 1000);
  }
  const present = PRISMA_PARAMETERS.filter((name) => uri.params.has(name));
  if (present.length === 0) return result;
  const value = (name: string) => uri.params.get(name)!;
  if (uri.params.has("schema")) {
    if (value("schema") === "") throw invalidParameter(url, "schema", "must name a schema");
    result.schema = value("schema");
  }
  if (uri.params.has("connection_limit")) {
    const size = Number(value("connection_limit"));
    if (!Number.isInteger(size) || size < 1) throw invalidParameter(url, "connection_limit", "must be a whole number of at least 1");
    result.poolSize = size;
  }
  if (uri.params.has("pool_timeout")) {
    const seconds = Number(value("pool_timeout"));
    if (!Number.isFinite(seconds) || seconds < 0) throw invalidParameter(url, "pool_timeout", "must be a number of seconds (0: no limit)");
    result.poolTimeoutMs = Math.round(seconds * 1000);
  }
  if (uri.params.has("pgbouncer")) {
    if (!["true", "false"].includes(value("pgbouncer"))) throw invalidParameter(url, "pgbouncer", 'must be "true" or "false"');
    result.transactionPooler = value("pgbouncer") === "true";
  }
  result.target = withoutParameters(url, present);
  return result;
}

/** The URL with the named query parameters left out (the rest of it as written). */
function withoutParameters(url: string, names: readonly string[]): string {
  const question = url.indexOf("?");
  const hash = url.indexOf("#", question);
  const query = url.slice(question + 1, hash >= 0 ? hash : undefined);
  const kept = query.split("&").filter((pair) => {
    const key = pair.split("=")[0]!;
    let name = key;
    try {
      name = decodeURIComponent(key);
    } catch {
      // parsePostgresUri has refused bad encoding already
    }
    return pair !== "" && !names.includes(name);
  });
  return url.slice(0, question) + (kept.length ? `?${kept.join("&")}` : "");
}

function invalidParameter(url: string, name: string, reason: string): ConfigurationError {
  return new ConfigurationError(`The database URL ${JSON.stringify(redactPassword(url))} has an invalid ${name}: it ${reason}`);
}

/** The URL with its password replaced, for error messages and logs. */
export function redactPassword(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/@]+:)[^@]*@/i, "$1***@");
}
