import { Kysely } from "kysely";

/** Work to do before a handle's connections close: flush buffered writes, end listeners. */
type BeforeDestroy = () => Promise<void>;

const hooksByHandle = new WeakMap<object, Set<BeforeDestroy>>();

/**
 * The Kysely instance openDatabase returns. `destroy()` first lets what the
 * library attached to the handle finish (AI-call loggers flush their buffers,
 * the shared LISTEN connection ends), then closes the connections: the usual
 * `await db.destroy()` loses nothing the library accepted and leaves nothing
 * that keeps the process alive.
 */
export class DatabaseHandle<DB> extends Kysely<DB> {
  override async destroy(): Promise<void> {
    const hooks = hooksByHandle.get(this);
    if (hooks) {
      hooksByHandle.delete(this);
      await Promise.allSettled([...hooks].map((hook) => hook()));
    }
    await super.destroy();
  }
}

/**
 * Runs `hook` when `db`, a handle from openDatabase, is destroyed; a no-op for
 * a Kysely instance built elsewhere (its owner closes loggers and queues). The
 * returned function unregisters the hook (when its owner closed first).
 */
export function beforeDestroy(db: object, hook: BeforeDestroy): () => void {
  if (!(db instanceof DatabaseHandle)) return () => {};
  let hooks = hooksByHandle.get(db);
  if (!hooks) hooksByHandle.set(db, (hooks = new Set()));
  hooks.add(hook);
  return () => hooks.delete(hook);
}
