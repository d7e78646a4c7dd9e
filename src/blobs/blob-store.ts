/**
 * The engine's `BlobStore` port (0.12): where its kernel keeps stage outputs
 * and artifacts. Values are JSON; every method is async.
 */
export interface BlobStore {
  /** Stores `data` under `key`, replacing what was there. */
  put(key: string, data: unknown): Promise<void>;
  /** The value under `key`. @throws NotFoundError when there is none. */
  get(key: string): Promise<unknown>;
  /** Whether a value is stored under `key`. */
  has(key: string): Promise<boolean>;
  /** Removes the value under `key`; a key with no value is left so, without an error (as the engine's own stores do). */
  delete(key: string): Promise<void>;
  /** The keys that start with `prefix` (literally: case-sensitive, `%` and `_` match only themselves), in key order. */
  list(prefix: string): Promise<string[]>;
}
