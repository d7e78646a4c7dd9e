import { ConfigurationError } from "../../errors.js";

/** One server of a (possibly multi-host) PostgreSQL URI. */
export interface PostgresEndpoint {
  host: string;
  port: number;
}

/** libpq's `target_session_attrs`: which server a new connection must reach. */
export type TargetSessionAttrs = "any" | "read-write" | "read-only" | "primary" | "standby" | "prefer-standby";
export const TARGET_SESSION_ATTRS: readonly TargetSessionAttrs[] = ["any", "read-write", "read-only", "primary", "standby", "prefer-standby"];

/** libpq's `sslmode`. */
export const SSL_MODES = ["disable", "allow", "prefer", "require", "verify-ca", "verify-full"] as const;
export type SslMode = (typeof SSL_MODES)[number];

/**
 * A PostgreSQL URI as libpq reads it (https://www.postgresql.org/docs/current/libpq-connect.html#LIBPQ-CONNSTRING-URIS):
 * `postgres[ql]://[user[:password]@][host[:port][,host[:port]…]][/database][?param=value…]`.
 * The host list is what HA tools print (pg_auto_failover, Patroni), which
 * Node's URL parser and pg's refuse.
 */
export interface PostgresUri {
  user?: string;
  password?: string;
  /** In order; at least one (localhost:5432 when the URI names none, as libpq). */
  endpoints: PostgresEndpoint[];
  database?: string;
  /** Every query parameter, decoded, in order (repeated ones: the last wins, as libpq). */
  params: Map<string, string>;
}

const DEFAULT_PORT = 5432;

/**
 * Parses a postgres:// URI, naming the part that is wrong in a
 * ConfigurationError (never a TypeError from a URL parser on the first call).
 */
export function parsePostgresUri(uri: string, label: string): PostgresUri {
  const match = /^postgres(?:ql)?:\/\/([^/?#]*)(\/[^?#]*)?(\?[^#]*)?(#.*)?$/i.exec(uri);
  if (!match) throw invalid(label, "it is not a postgres:// URI");
  const [, authority = "", path = "", query = ""] = match;
  const at = authority.lastIndexOf("@");
  const userInfo = at >= 0 ? authority.slice(0, at) : undefined;
  const hostList = at >= 0 ? authority.slice(at + 1) : authority;
  const result: PostgresUri = { endpoints: [], params: new Map() };
  if (userInfo !== undefined) {
    const colon = userInfo.indexOf(":");
    result.user = decode(colon >= 0 ? userInfo.slice(0, colon) : userInfo, label, "the user name");
    if (colon >= 0) result.password = decode(userInfo.slice(colon + 1), label, "the password");
  }
  if (path.length > 1) result.database = decode(path.slice(1), label, "the database name");
  for (const pair of query.slice(1).split("&")) {
    if (pair === "") continue;
    const equals = pair.indexOf("=");
    const key = decode(equals >= 0 ? pair.slice(0, equals) : pair, label, "a parameter name");
    result.params.set(key, decode(equals >= 0 ? pair.slice(equals + 1) : "", label, `the parameter ${key}`));
  }
  result.endpoints = endpoints(hostList, result.params, label);
  return result;
}

/** The host list of the authority, or libpq's `host`/`port` parameters (comma lists too). */
function endpoints(hostList: string, params: Map<string, string>, label: string): PostgresEndpoint[] {
  if (hostList === "" && !params.has("host")) return [{ host: "localhost", port: Number(params.get("port") ?? DEFAULT_PORT) }];
  if (hostList === "") {
    const hosts = params.get("host")!.split(",");
    const ports = (params.get("port") ?? "").split(",");
    return hosts.map((host, i) => ({ host: nonEmpty(host, label, i), port: port(ports[ports.length === 1 ? 0 : i] ?? "", label, host) }));
  }
  return hostList.split(",").map((entry, i) => {
    // [IPv6]:port, host:port, or host alone.
    const bracketed = /^\[([^\]]+)\](?::(.*))?$/.exec(entry);
    const colon = entry.lastIndexOf(":");
    const host = bracketed ? bracketed[1]! : colon >= 0 ? entry.slice(0, colon) : entry;
    const portText = bracketed ? (bracketed[2] ?? "") : colon >= 0 ? entry.slice(colon + 1) : "";
    const name = decode(nonEmpty(host, label, i), label, `host ${i + 1}`);
    return { host: name, port: port(portText, label, name) };
  });
}

function nonEmpty(host: string, label: string, index: number): string {
  if (host === "") throw invalid(label, `host ${index + 1} of the host list is empty`);
  return host;
}

function port(text: string, label: string, host: string): number {
  if (text === "") return DEFAULT_PORT;
  const value = Number(text);
  if (!/^\d+$/.test(text) || value < 1 || value > 65_535) throw invalid(label, `the port of ${host} ("${text}") is not a port number (1 to 65535)`);
  return value;
}

function decode(text: string, label: string, part: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    throw invalid(label, `${part} is not valid percent-encoding`);
  }
}

function invalid(label: string, reason: string): ConfigurationError {
  return new ConfigurationError(`The database URL ${label} cannot be read: ${reason}`);
}

/** `target_session_attrs`, checked (libpq's default: any). */
export function targetSessionAttrsOf(params: Map<string, string>, label: string): TargetSessionAttrs {
  const value = params.get("target_session_attrs") ?? "any";
  if (!(TARGET_SESSION_ATTRS as readonly string[]).includes(value)) {
    throw invalid(label, `target_session_attrs=${value} is not one of ${TARGET_SESSION_ATTRS.join(", ")}`);
  }
  return value as TargetSessionAttrs;
}

/** `sslmode`, checked; undefined when the URI names none. */
export function sslModeOf(params: Map<string, string>, label: string): SslMode | undefined {
  const value = params.get("sslmode");
  if (value === undefined) return undefined;
  if (!(SSL_MODES as readonly string[]).includes(value)) throw invalid(label, `sslmode=${value} is not one of ${SSL_MODES.join(", ")}`);
  return value as SslMode;
}
