import { ConfigurationError } from "../../errors.js";
import { TARGET_SESSION_ATTRS, type TargetSessionAttrs } from "./postgres-uri.js";

/** One server of `postgres.hosts`: `"db1.internal:5432"`, `"[::1]:5433"`, or its parts. */
export type PostgresHost = string | { host: string; port?: number };

/** The host list and session role given as options rather than in the URL. */
export interface PostgresHostOptions {
  hosts?: readonly PostgresHost[] | undefined;
  targetSessionAttrs?: TargetSessionAttrs | undefined;
}

/**
 * The URL with the options' host list and session role written into it, as
 * libpq lets keywords given beside a URI win over it: `hosts` replaces the
 * URL's host list (its user, password, database and parameters stay), and
 * `targetSessionAttrs` replaces its `target_session_attrs`. The result is read
 * by the same parser as any URL, so both ways of saying it behave alike.
 */
export function withHostOptions(connectionString: string, options: PostgresHostOptions): string {
  let url = connectionString;
  if (options.hosts !== undefined) url = replaceHostList(url, hostList(options.hosts));
  if (options.targetSessionAttrs !== undefined) url = replaceParameter(url, "target_session_attrs", sessionAttrs(options.targetSessionAttrs));
  return url;
}

function hostList(hosts: readonly PostgresHost[]): string {
  if (!Array.isArray(hosts) || hosts.length === 0) throw invalid("hosts", "a non-empty array of \"host:port\" strings or { host, port } objects");
  return hosts
    .map((entry, i) => {
      if (typeof entry === "string") {
        if (entry === "" || /[,/?#@\s]/.test(entry)) throw invalid(`hosts[${i}]`, "\"host\" or \"host:port\" (no commas, slashes or spaces)");
        return entry;
      }
      if (typeof entry !== "object" || entry === null || typeof entry.host !== "string" || entry.host === "") throw invalid(`hosts[${i}]`, "a \"host:port\" string or { host, port }");
      const port = entry.port;
      if (port !== undefined && (!Number.isInteger(port) || port < 1 || port > 65_535)) throw invalid(`hosts[${i}].port`, "a port number (1 to 65535)");
      const host = entry.host.includes(":") ? `[${entry.host}]` : encodeURIComponent(entry.host);
      return port === undefined ? host : `${host}:${port}`;
    })
    .join(",");
}

function sessionAttrs(value: unknown): string {
  if (!(TARGET_SESSION_ATTRS as readonly unknown[]).includes(value)) throw invalid("targetSessionAttrs", `one of ${TARGET_SESSION_ATTRS.join(", ")}`);
  return value as string;
}

function replaceHostList(url: string, hosts: string): string {
  const match = /^(postgres(?:ql)?:\/\/)([^/?#]*)(.*)$/is.exec(url);
  if (!match) throw invalid("hosts", "a postgres:// URL to apply to");
  const [, scheme, authority = "", rest = ""] = match;
  const at = authority.lastIndexOf("@");
  const userInfo = at >= 0 ? authority.slice(0, at + 1) : "";
  // host=/port= parameters would name other servers: the option replaces them too.
  return `${scheme}${userInfo}${hosts}${removeParameters(rest, ["host", "port"])}`;
}

function replaceParameter(url: string, name: string, value: string): string {
  const hash = url.indexOf("#");
  const [body, fragment] = hash >= 0 ? [url.slice(0, hash), url.slice(hash)] : [url, ""];
  const cleaned = removeParameters(body, [name]);
  return `${cleaned}${cleaned.includes("?") ? "&" : "?"}${name}=${encodeURIComponent(value)}${fragment}`;
}

/** `rest` (path, query, fragment) without the named query parameters. */
function removeParameters(rest: string, names: readonly string[]): string {
  const question = rest.indexOf("?");
  if (question < 0) return rest;
  const hash = rest.indexOf("#", question);
  const query = rest.slice(question + 1, hash >= 0 ? hash : undefined);
  const kept = query.split("&").filter((pair) => pair !== "" && !names.includes(safeDecode(pair.split("=")[0] ?? "")));
  return `${rest.slice(0, question)}${kept.length ? `?${kept.join("&")}` : ""}${hash >= 0 ? rest.slice(hash) : ""}`;
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

function invalid(option: string, expected: string): ConfigurationError {
  return new ConfigurationError(`openDatabase: postgres.${option} must be ${expected}`);
}
