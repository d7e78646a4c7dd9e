import { readFileSync } from "node:fs";
import { ConfigurationError } from "../../errors.js";
import { parsePostgresUri, sslModeOf, targetSessionAttrsOf, type PostgresEndpoint, type SslMode, type TargetSessionAttrs } from "./postgres-uri.js";

/**
 * How new connections of a pool find their server: the endpoints in order,
 * the role a session needs (target_session_attrs) and TLS per libpq's
 * sslmode, and everything else of the URL as pg's own settings.
 */
export interface ConnectionPlan {
  endpoints: PostgresEndpoint[];
  attrs: TargetSessionAttrs;
  sslmode: SslMode | undefined;
  /** pg client settings without host, port and ssl (which each attempt sets). */
  connection: Record<string, unknown>;
  /** TLS settings for the modes that use TLS (CA, client certificate and key from sslrootcert/sslcert/sslkey). */
  tls: Record<string, unknown>;
  /** The URL's connect_timeout, in ms (0: none): the longest wait for one server. */
  connectTimeoutMs: number | undefined;
  /** Without one in the URL or the pool settings: a host list's wait per server. */
  defaultConnectTimeoutMs: number | undefined;
}

/** How long one host of a list may take to accept a connection when the URL sets no connect_timeout. */
export const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;

/** The URL's parameters this library reads itself; the rest are pg's (application_name, options, …). */
const HANDLED = new Set(["target_session_attrs", "sslmode", "connect_timeout", "sslrootcert", "sslcert", "sslkey", "sslpassword", "uselibpqcompat", "ssl", "host", "port", "load_balance_hosts"]);

/**
 * Whether a URL needs the plan (several hosts, a session role, libpq's TLS
 * modes). A URL without any of them goes to pg as it is, unchanged.
 */
export function needsConnectionPlan(connectionString: string): boolean {
  if (!/^postgres(ql)?:\/\//i.test(connectionString)) return false;
  const uri = parsePostgresUri(connectionString, "(connection string)");
  return uri.endpoints.length > 1 || (uri.params.get("target_session_attrs") ?? "any") !== "any" || uri.params.has("sslmode") || uri.params.has("connect_timeout");
}

export function connectionPlan(connectionString: string, label: string): ConnectionPlan {
  const uri = parsePostgresUri(connectionString, label);
  const connection: Record<string, unknown> = {};
  for (const [key, value] of uri.params) if (!HANDLED.has(key)) connection[key] = value;
  if (uri.user !== undefined) connection.user = uri.user;
  if (uri.password !== undefined) connection.password = uri.password;
  if (uri.database !== undefined) connection.database = uri.database;
  // Per server, as libpq's connect_timeout: a host that drops packets (a
  // partition, a machine gone) must not hold every new connection. A host
  // list without one waits at most DEFAULT_CONNECT_TIMEOUT_MS a host.
  const connectTimeout = uri.params.get("connect_timeout");
  const connectTimeoutMs = connectTimeout !== undefined ? Math.round(Number(connectTimeout) * 1000) : undefined;
  const file = (parameter: string) => {
    const path = uri.params.get(parameter);
    if (path === undefined) return undefined;
    try {
      return readFileSync(path, "utf8");
    } catch (error) {
      throw new ConfigurationError(`The database URL ${label}: ${parameter}=${path} cannot be read (${(error as Error).message})`, { cause: error });
    }
  };
  const tls: Record<string, unknown> = {};
  const ca = file("sslrootcert");
  const cert = file("sslcert");
  const key = file("sslkey");
  if (ca !== undefined) tls.ca = ca;
  if (cert !== undefined) tls.cert = cert;
  if (key !== undefined) tls.key = key;
  if (uri.params.has("sslpassword")) tls.passphrase = uri.params.get("sslpassword");
  return {
    endpoints: uri.endpoints, attrs: targetSessionAttrsOf(uri.params, label), sslmode: sslModeOf(uri.params, label), connection, tls,
    connectTimeoutMs, defaultConnectTimeoutMs: uri.endpoints.length > 1 ? DEFAULT_CONNECT_TIMEOUT_MS : undefined,
  };
}

/**
 * The `ssl` setting of one attempt, with libpq's meanings: require encrypts
 * without checking the certificate (unless a root certificate is given, as
 * libpq: then as verify-ca), verify-ca checks the chain, verify-full the chain
 * and the host name; prefer and allow encrypt when `encrypt` says (the caller
 * learns per server whether it takes TLS).
 */
export function sslSetting(plan: ConnectionPlan, encrypt: boolean): false | Record<string, unknown> {
  const mode = plan.sslmode ?? "disable";
  if (mode === "disable" || !encrypt) return false;
  const verifyChain = mode === "verify-ca" || mode === "verify-full" || (mode === "require" && plan.tls.ca !== undefined);
  if (!verifyChain) return { ...plan.tls, rejectUnauthorized: false };
  return mode === "verify-full" ? { ...plan.tls, rejectUnauthorized: true } : { ...plan.tls, rejectUnauthorized: true, checkServerIdentity: () => undefined };
}

/** Whether the first attempt on a server is encrypted: yes for prefer and the modes that require TLS, no for allow. */
export const encryptFirst = (plan: ConnectionPlan): boolean => plan.sslmode !== undefined && plan.sslmode !== "disable" && plan.sslmode !== "allow";
