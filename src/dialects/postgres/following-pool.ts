import type pg from "pg";
import { encryptFirst, sslSetting, type ConnectionPlan } from "./connection-plan.js";
import { roleMatches, SERVER_ROLE_QUERY, WrongServerRoleError } from "./session-attributes.js";

// A pg pool whose new connections find the server the URL asks for, the way
// libpq does with a host list: each endpoint in turn until one accepts a
// session with the role target_session_attrs names (checked with one query
// per new connection, never per statement), with libpq's sslmode. It keeps
// using the server that answered (no probe per connection) and moves on when
// a connection to it fails, is refused, or finds it read-only: after a
// failover the next connection reaches the new primary. node-postgres has no
// host lists (its issue #1470), so this is the one place they are resolved.

/** Where a connection went, kept on the client for the failure handling. */
interface Attempt {
  endpoint: string;
  index: number;
  encrypted: boolean;
  pass: "first" | "fallback";
  /** The how-many-th connection of the pool this is (a failure retires the older ones to its endpoint). */
  serial: number;
}

type Failure = { endpoint: string; reason: string };

/** No endpoint gave a session of the role asked for: each one's reason, in order (SQLSTATE 08001, as libpq reports it). */
export class NoServerAvailableError extends Error {
  readonly code = "08001";
  constructor(
    readonly attrs: string,
    readonly failures: readonly Failure[],
  ) {
    super(`no server accepted a ${attrs === "any" ? "" : `${attrs} `}session: ${failures.map((f) => `${f.endpoint} (${f.reason})`).join("; ")}`);
    this.name = "NoServerAvailableError";
  }
}

/** A pool that follows the primary; `dedicated()` opens a connection of its own the same way (for LISTEN). */
export interface FollowingPool extends pg.Pool {
  dedicated(): Promise<pg.Client>;
  /**
   * A connection of this pool failed in use (lost, or found read-only): the
   * next ones start at the following endpoint, and the pool's other
   * connections to that endpoint, opened before, are retired.
   */
  sessionFailed(client: object): void;
  /** Whether a connection went to an endpoint that failed since it was opened: close it rather than use it. */
  retired(client: object): boolean;
  readonly plan: ConnectionPlan;
}

const ATTEMPT = Symbol("kwp.attempt");

export function createFollowingPool(driver: typeof pg, plan: ConnectionPlan, poolConfig: pg.PoolConfig): FollowingPool {
  const endpoints = plan.endpoints.map((endpoint) => `${endpoint.host}:${endpoint.port}`);
  let current = 0;
  let pass: "first" | "fallback" = "first";
  let opened = 0;
  /** Per endpoint: the connections opened up to this serial failed with it. */
  const retiredUpTo = new Map<number, number>();
  /** Per endpoint, once learned: does it take TLS (prefer, allow)? */
  const encryptedAt = new Map<number, boolean>();

  const nextAttempt = (): Attempt => ({ endpoint: endpoints[current]!, index: current, encrypted: encryptedAt.get(current) ?? encryptFirst(plan), pass, serial: ++opened });
  const attemptOf = (client: object) => (client as { [ATTEMPT]?: Attempt })[ATTEMPT];
  const advance = (from: number) => {
    if (current === from) current = (current + 1) % endpoints.length;
  };

  class FollowingClient extends driver.Client {
    readonly [ATTEMPT]: Attempt;
    constructor(config: pg.ClientConfig = {}) {
      const attempt = nextAttempt();
      const { host, port } = plan.endpoints[attempt.index]!;
      const connectionTimeoutMillis = plan.connectTimeoutMs ?? config.connectionTimeoutMillis ?? plan.defaultConnectTimeoutMs;
      super({ ...config, connectionString: undefined, ...plan.connection, host, port, ssl: sslSetting(plan, attempt.encrypted), connectionTimeoutMillis } as pg.ClientConfig);
      this[ATTEMPT] = attempt;
      // From the start, not from the pool's 'connect' event: the role check runs
      // a query before that event, and a connection cut during it (a pooler or
      // a server going away) emits 'error' on the client, which without a
      // listener ends the process. The check's query rejects with it already.
      this.on("error", () => {});
    }

    override connect(callback?: any): any {
      const connected = this.#connectChecked();
      if (!callback) return connected;
      connected.then(() => callback(null, this), callback);
      return undefined;
    }

    async #connectChecked(): Promise<void> {
      const attempt = this[ATTEMPT];
      await super.connect();
      if (plan.attrs === "any") return;
      try {
        const { rows } = await super.query(SERVER_ROLE_QUERY);
        const role = { standby: rows[0].standby === true, readOnly: rows[0].read_only === true };
        if (!roleMatches(plan.attrs, role, attempt.pass)) throw new WrongServerRoleError(attempt.endpoint, plan.attrs, role);
      } catch (error) {
        await this.end().catch(() => {});
        throw error;
      }
    }
  }

  /**
   * Tries `open` until an endpoint gives a fitting session: a refused,
   * unreachable, starting or wrong-role server moves on to the next; a TLS
   * answer (prefer: "no SSL here"; allow: "encryption required") retries the
   * same one the other way. After every endpoint failed: NoServerAvailableError.
   */
  async function throughEndpoints<T>(open: () => Promise<T>): Promise<T> {
    const failures: Failure[] = [];
    const passes: Array<"first" | "fallback"> = plan.attrs === "prefer-standby" ? ["first", "fallback"] : ["first"];
    for (const each of passes) {
      pass = each;
      for (let tries = 0; tries < endpoints.length * 2; tries++) {
        const attempt = nextAttempt();
        try {
          const opened = await open();
          pass = "first";
          return opened;
        } catch (error) {
          if (switchedTls(error, attempt)) continue;
          if (!endpointFailed(error)) throw error;
          failures.push({ endpoint: attempt.endpoint, reason: reasonOf(error) });
          advance(attempt.index);
          if (failures.length >= endpoints.length * passes.length * 2) break;
        }
      }
    }
    pass = "first";
    throw new NoServerAvailableError(plan.attrs, failures);
  }

  function switchedTls(error: unknown, attempt: Attempt): boolean {
    const message = String((error as Error)?.message ?? "");
    if (plan.sslmode === "prefer" && attempt.encrypted && /does not support SSL/i.test(message)) {
      encryptedAt.set(attempt.index, false);
      return true;
    }
    if (plan.sslmode === "allow" && !attempt.encrypted && /no encryption|SSL off/i.test(message)) {
      encryptedAt.set(attempt.index, true);
      return true;
    }
    return false;
  }

  const pool = new driver.Pool({ ...poolConfig, connectionString: undefined, Client: FollowingClient } as pg.PoolConfig) as FollowingPool;
  const connectOne = pool.connect.bind(pool) as () => Promise<pg.PoolClient>;
  Object.assign(pool, {
    plan,
    connect(callback?: (error: Error | undefined, client?: pg.PoolClient, done?: () => void) => void) {
      const connected = throughEndpoints(connectOne);
      if (!callback) return connected;
      connected.then((client) => callback(undefined, client, () => client.release()), (error) => callback(error));
      return undefined;
    },
    dedicated: () =>
      throughEndpoints(async () => {
        const client = new FollowingClient(pool.options as pg.ClientConfig);
        await client.connect();
        return client as unknown as pg.Client;
      }),
    // A connection that finds its server gone or read-only says the same of
    // every other one to that endpoint: behind PgBouncer each of them would
    // fail once more (read-only, or lost) before the pool let it go.
    sessionFailed(client: object) {
      const attempt = attemptOf(client);
      if (!attempt) return;
      advance(attempt.index);
      retiredUpTo.set(attempt.index, Math.max(retiredUpTo.get(attempt.index) ?? 0, opened));
    },
    retired(client: object) {
      const attempt = attemptOf(client);
      return attempt !== undefined && attempt.serial <= (retiredUpTo.get(attempt.index) ?? 0);
    },
  });
  return pool;
}

/** A failure of the server reached (not of the settings): the next endpoint may do. */
function endpointFailed(error: unknown): boolean {
  if (error instanceof WrongServerRoleError) return true;
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === "string" && /^(ECONNREFUSED|ECONNRESET|ENOTFOUND|EHOSTUNREACH|ENETUNREACH|ETIMEDOUT|EPIPE|EAI_AGAIN|57P0[123]|08\w{3})$/.test(code)) return true;
  return /Connection terminated|timeout|not queryable|shutting down|starting up|in recovery/i.test(String((error as Error)?.message ?? ""));
}

function reasonOf(error: unknown): string {
  if (error instanceof WrongServerRoleError) return error.role.standby ? "a standby" : error.role.readOnly ? "read-only" : "a read-write primary";
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  return [typeof code === "string" ? code : undefined, typeof message === "string" ? message : String(error)].filter(Boolean).join(": ");
}
