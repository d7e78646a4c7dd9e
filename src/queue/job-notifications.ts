import type pg from "pg";
import type { ListenTarget } from "../dialects/postgres/listen-target.js";

/** The channel the optional trigger (migrations/postgresql/optional/0002_…) notifies on each enqueue. */
export const JOB_QUEUE_CHANNEL = "kwp_job_queue";

/** How an idle worker waits for new jobs. */
export interface JobNotifications {
  /** Resolves on a notification, after `timeoutMs`, or when `signal` aborts. */
  wait(timeoutMs: number, signal?: AbortSignal): Promise<void>;
  close(): Promise<void>;
}

/** No notifications (SQLite, or no pool to listen with): waiting is plain polling. */
export const pollingOnly: JobNotifications = {
  wait: (timeoutMs, signal) => sleep(timeoutMs, signal, []),
  close: async () => {},
};

/**
 * Told when LISTEN cannot be set up or its connection is lost (waiting then
 * falls back to the timeout, and the next wait tries again), and once when it
 * works again. Default: one line on stderr per outage, so it is never silent.
 */
export type ListenErrorHandler = (error: unknown, recovered: boolean) => void;

export const warnOnListenError: ListenErrorHandler = (error, recovered) => {
  if (recovered) process.stderr.write("kysely-workflow-persistence: waitForJobs is listening again\n");
  else process.stderr.write(`kysely-workflow-persistence: waitForJobs cannot LISTEN (${(error as Error)?.message ?? String(error)}); it polls until it can\n`);
};

/**
 * LISTEN on a dedicated connection, opened on first use on the pool's server,
 * found as the pool finds it (so after a failover it listens on the new
 * primary), without taking a connection from the pool for good. When the
 * connection drops, waiting degrades to the timeout and the next wait
 * reconnects; a missed notification only costs one poll interval. Each
 * outage is reported to `onError` once, and its end too.
 *
 * The channel is database-wide; the trigger names the schema of the table in
 * its payload (optional/0004), so a queue working in a named schema wakes only
 * for that schema (or for an empty payload, sent by the older trigger of 0002).
 */
export function postgresNotifications(target: ListenTarget, schema?: string, onError: ListenErrorHandler = warnOnListenError): JobNotifications {
  let client: pg.Client | undefined;
  let connecting: Promise<pg.Client | undefined> | undefined;
  let closed = false;
  const waiters: Array<() => void> = [];

  const wakeAll = () => {
    for (const wake of waiters.splice(0)) wake();
  };

  let failing = false;
  const failed = (error: unknown) => {
    if (closed || failing) return;
    failing = true;
    onError(error, false);
  };

  const connect = (): Promise<pg.Client | undefined> => {
    if (client || closed) return Promise.resolve(client);
    connecting ??= (async () => {
      let next: pg.Client | undefined;
      const drop = (error?: unknown) => {
        if (next && client === next) {
          client = undefined;
          failed(error ?? new Error("the LISTEN connection ended"));
        }
        next?.end().catch(() => {});
      };
      try {
        next = await target.connect();
        next.on("error", drop);
        next.on("end", () => drop());
        next.on("notification", (message) => {
          if (schema === undefined || !message.payload || message.payload === schema) wakeAll();
        });
        await next.query(`LISTEN "${JOB_QUEUE_CHANNEL}"`);
        if (closed) {
          await next.end();
          return undefined;
        }
        client = next;
        if (failing) {
          failing = false;
          onError(undefined, true);
        }
        return next;
      } catch (error) {
        next?.end().catch(() => {});
        failed(error);
        return undefined;
      } finally {
        connecting = undefined;
      }
    })();
    return connecting;
  };

  return {
    async wait(timeoutMs, signal) {
      await connect();
      await sleep(timeoutMs, signal, waiters);
    },
    async close() {
      closed = true;
      wakeAll();
      const current = client ?? (await connecting);
      client = undefined;
      await current?.end().catch(() => {});
    },
  };
}

interface SharedListener {
  notifications: JobNotifications;
  users: number;
}

const listenersByHandle = new WeakMap<object, Map<string, SharedListener>>();

/**
 * One LISTEN connection per database handle (and schema), shared by every
 * queue on it: eight workers in one process hold one listening connection,
 * not eight. Each queue's close() gives its share back; the connection ends
 * with the last share, or when the handle is destroyed (`beforeDestroy`).
 */
export function sharedPostgresNotifications(
  handle: object,
  target: ListenTarget,
  schema: string | undefined,
  onHandleDestroy: (close: () => Promise<void>) => () => void,
  onError?: ListenErrorHandler,
): JobNotifications {
  let byKey = listenersByHandle.get(handle);
  if (!byKey) listenersByHandle.set(handle, (byKey = new Map()));
  const key = schema ?? "";
  let shared = byKey.get(key);
  if (!shared) {
    const created: SharedListener = { notifications: postgresNotifications(target, schema, onError), users: 0 };
    const unregister = onHandleDestroy(async () => {
      byKey!.delete(key);
      await created.notifications.close();
    });
    const close = created.notifications.close;
    created.notifications = { ...created.notifications, close: async () => (unregister(), close()) };
    byKey.set(key, (shared = created));
  }
  const entry = shared;
  entry.users++;
  let released = false;
  return {
    wait: (timeoutMs, signal) => entry.notifications.wait(timeoutMs, signal),
    async close() {
      if (released) return;
      released = true;
      if (--entry.users > 0) return;
      if (byKey!.get(key) === entry) byKey!.delete(key);
      await entry.notifications.close();
    },
  };
}

function sleep(timeoutMs: number, signal: AbortSignal | undefined, waiters: Array<() => void>): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      const index = waiters.indexOf(done);
      if (index >= 0) waiters.splice(index, 1);
      resolve();
    };
    const timer = setTimeout(done, timeoutMs);
    signal?.addEventListener("abort", done, { once: true });
    waiters.push(done);
  });
}
