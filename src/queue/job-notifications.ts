import type pg from "pg";
import { loadPg } from "../dialects/postgres/postgres-pool.js";

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
 * LISTEN on a dedicated connection, opened on first use with the pool's own
 * settings (so it does not take a connection from the pool for good). When the
 * connection drops, waiting degrades to the timeout and the next wait
 * reconnects; a missed notification only costs one poll interval.
 *
 * The channel is database-wide; the trigger names the schema of the table in
 * its payload (optional/0004), so a queue working in a named schema wakes only
 * for that schema (or for an empty payload, sent by the older trigger of 0002).
 */
export function postgresNotifications(poolOptions: pg.PoolConfig, schema?: string): JobNotifications {
  let client: pg.Client | undefined;
  let connecting: Promise<pg.Client | undefined> | undefined;
  let closed = false;
  const waiters: Array<() => void> = [];

  const wakeAll = () => {
    for (const wake of waiters.splice(0)) wake();
  };

  const connect = (): Promise<pg.Client | undefined> => {
    if (client || closed) return Promise.resolve(client);
    connecting ??= (async () => {
      const next = new (loadPg().Client)({ ...poolOptions });
      const drop = () => {
        if (client === next) client = undefined;
        next.end().catch(() => {});
      };
      next.on("error", drop);
      next.on("end", drop);
      next.on("notification", (message) => {
        if (schema === undefined || !message.payload || message.payload === schema) wakeAll();
      });
      try {
        await next.connect();
        await next.query(`LISTEN "${JOB_QUEUE_CHANNEL}"`);
        if (closed) {
          await next.end();
          return undefined;
        }
        client = next;
        return next;
      } catch {
        drop();
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
  settings: pg.PoolConfig,
  schema: string | undefined,
  onHandleDestroy: (close: () => Promise<void>) => () => void,
): JobNotifications {
  let byKey = listenersByHandle.get(handle);
  if (!byKey) listenersByHandle.set(handle, (byKey = new Map()));
  const key = schema ?? "";
  let shared = byKey.get(key);
  if (!shared) {
    const created: SharedListener = { notifications: postgresNotifications(settings, schema), users: 0 };
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
