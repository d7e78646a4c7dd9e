import { databaseCodeOf } from "./driver-error-code.js";
import { failedConnecting } from "../dialects/postgres/session-failures.js";

/**
 * What a driver's error says about the connection, in one place (SQLSTATE
 * class, the driver's system errors and messages, Prisma's codes):
 * - "unavailable": the call never reached a server (refused, unreachable,
 *   starting up or shutting down, no server of the host list of the role
 *   asked for): nothing was done;
 * - "lost": the connection or its backend ended during the call: it may or
 *   may not have been done;
 * - "read-only": the server refused to write (25006): a standby reached, or a
 *   primary demoted during a switch; nothing was written;
 * - "conflict": a serialization failure or a deadlock (40001, 40P01): rolled back;
 * - undefined: any other failure (a constraint, a permission, bad SQL).
 */
export type ConnectionFailure = "unavailable" | "lost" | "read-only" | "conflict";

const UNAVAILABLE_CODES = new Set([
  "ECONNREFUSED", "ENOTFOUND", "EHOSTUNREACH", "ENETUNREACH", "EAI_AGAIN", "EHOSTDOWN",
  "08001", "08004", "57P03",
  "P1001", "P1002", "P2024", // Prisma: can't reach, timed out reaching, timed out waiting for a connection
]);
// 08P01: what PgBouncer sends when its server connection failed ("server conn crashed?").
const LOST_CODES = new Set(["ECONNRESET", "EPIPE", "ETIMEDOUT", "ECONNABORTED", "08000", "08003", "08006", "08007", "08P01", "57P01", "57P02", "P1017"]);
// PgBouncer's own refusals (08P01 too) before a query reached a server: nothing was done.
const POOLER_UNAVAILABLE = /pgbouncer cannot connect to server|server login has been failing|query_wait_timeout|no more connections allowed/i;
const UNAVAILABLE_MESSAGES = /timeout exceeded when trying to connect|Connection terminated due to connection timeout|the database system is (starting up|shutting down|in recovery mode|not yet accepting connections)|no server accepted/i;
const LOST_MESSAGES = /Connection terminated|not queryable|Client was closed|server closed the connection|Server has closed the connection|connection error|socket hang up/i;

/** The operating system's network failures: never a TLS setting, whatever the message says. */
const NETWORK_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "EPIPE", "ETIMEDOUT", "ECONNABORTED", "EHOSTUNREACH", "ENETUNREACH", "ENOTFOUND", "EAI_AGAIN", "EHOSTDOWN"]);

/** Prisma's driver adapters name the failure (its `kind`) instead of the driver's code. */
const PRISMA_KINDS: Record<string, ConnectionFailure> = {
  DatabaseNotReachable: "unavailable",
  TooManyConnections: "unavailable",
  ConnectionClosed: "lost",
  SocketTimeout: "lost",
  TransactionWriteConflict: "conflict",
};

export function connectionFailureOf(error: unknown): ConnectionFailure | undefined {
  const kind = (error as { meta?: { driverAdapterError?: { cause?: { kind?: unknown } } } } | null)?.meta?.driverAdapterError?.cause?.kind;
  if (typeof kind === "string" && PRISMA_KINDS[kind] !== undefined) return PRISMA_KINDS[kind];
  const code = databaseCodeOf(error) ?? systemCodeOf(error);
  // No host of a list gave a session (following-pool.ts): each host's reason is
  // in the message, whatever words they use (a TLS handshake cut by a server
  // going down included); the call reached no server.
  if (code === "08001") return "unavailable";
  // TLS refused or a certificate not trusted: settings to fix, not a moment to
  // wait out. A network failure during the handshake (ECONNRESET: "socket
  // disconnected before secure TLS connection was established") is not one.
  if (!NETWORK_CODES.has(code ?? "") && /SSL|certificate|self.signed|TLS/i.test(messageOf(error)) && !/Connection terminated/i.test(messageOf(error))) return undefined;
  if (failedConnecting(error) && code !== "25006" && !/^(28|3D|42)/.test(code ?? "")) return "unavailable";
  if (code === "25006") return "read-only";
  if (code === "40001" || code === "40P01") return "conflict";
  if (POOLER_UNAVAILABLE.test(messageOf(error))) return "unavailable";
  if (code !== undefined && UNAVAILABLE_CODES.has(code)) return "unavailable";
  // A refused connect reports ETIMEDOUT from connect(2): nothing was sent.
  if (code === "ETIMEDOUT" && (error as { syscall?: unknown }).syscall === "connect") return "unavailable";
  if (code !== undefined && LOST_CODES.has(code)) return "lost";
  const message = messageOf(error);
  if (UNAVAILABLE_MESSAGES.test(message)) return "unavailable";
  if (LOST_MESSAGES.test(message)) return "lost";
  return undefined;
}

function systemCodeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown; cause?: { code?: unknown } } | null)?.code ?? (error as { cause?: { code?: unknown } } | null)?.cause?.code;
  return typeof code === "string" ? code : undefined;
}

function messageOf(error: unknown): string {
  const message = (error as { message?: unknown } | null)?.message;
  const cause = (error as { cause?: { message?: unknown } } | null)?.cause?.message;
  return `${typeof message === "string" ? message : ""} ${typeof cause === "string" ? cause : ""}`;
}
