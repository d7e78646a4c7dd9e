/**
 * Whether a statement's failure leaves its session unusable for more work:
 * the connection was lost (the driver's system errors and messages, SQLSTATE
 * class 08, an administrator or a crash ending the backend, 57P01–57P03), or
 * the server turned read-only under it (25006: a demoted primary, a standby
 * reached during a switch). Such a connection is closed rather than pooled.
 */
export function sessionUnusable(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === "string" && /^(08\w{3}|57P0[123]|25006|ECONNRESET|ECONNREFUSED|EPIPE|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH)$/.test(code)) return true;
  return /Connection terminated|not queryable|Client was closed|connection error/i.test(String((error as Error)?.message ?? ""));
}

const CONNECTING = Symbol.for("kysely-workflow-persistence.connecting");

/**
 * Marks a failure to get a connection (from the pool: a new one could not be
 * opened): whatever the driver says ("Connection terminated unexpectedly"
 * included), the call never reached a server.
 */
export function markedAsConnecting(error: unknown): unknown {
  if (typeof error === "object" && error !== null) Object.defineProperty(error, CONNECTING, { value: true });
  return error;
}

export function failedConnecting(error: unknown): boolean {
  return typeof error === "object" && error !== null && (error as Record<symbol, unknown>)[CONNECTING] === true;
}
