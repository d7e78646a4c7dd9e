import { setTimeout as sleep } from "node:timers/promises";
import { DatabaseError } from "../errors.js";

/**
 * Automatic retry of the calls that are safe to repeat (repeatable-calls.ts)
 * after a failure that says `retryable` (a server unreachable during a
 * failover, a lost connection, a read-only server, a serialization conflict):
 * up to `attempts` tries in all, waiting `baseDelayMs` doubled after each try,
 * at most `maxDelayMs`, with full jitter (a random wait up to that), so
 * workers that failed together do not come back together. Never inside a
 * caller's transaction (a failure there ends the transaction), and never for
 * a claim: the worker's own loop claims again, and the queue takes back what
 * a lost claim took (lost-claims.ts).
 */
export interface RetryPolicy {
  /** Tries in all, the first included (default 4). */
  attempts?: number;
  /** The first wait, in ms (default 100). */
  baseDelayMs?: number;
  /** The longest wait, in ms (default 5,000). */
  maxDelayMs?: number;
}

export type ResolvedRetryPolicy = Required<RetryPolicy>;

const DEFAULTS: ResolvedRetryPolicy = { attempts: 4, baseDelayMs: 100, maxDelayMs: 5_000 };
const policies = new WeakMap<object, ResolvedRetryPolicy>();

/** The handle's policy: `true` takes the defaults, an object overrides some of them. */
export function registerRetryPolicy(handle: object, policy: RetryPolicy | boolean | undefined): void {
  if (policy === undefined || policy === false) return;
  policies.set(handle, { ...DEFAULTS, ...(policy === true ? {} : policy) });
}

export function retryPolicyOf(handle: object): ResolvedRetryPolicy | undefined {
  return policies.get(handle);
}

/** Calls that are repeatable but never repeated automatically: claims. */
const NEVER_AUTOMATICALLY = new Set(["dequeue", "dequeueBatch", "completeAndDequeue", "claimNextPendingRun", "claimPendingRun"]);

export function retriesAutomatically(operation: string): boolean {
  return !NEVER_AUTOMATICALLY.has(operation);
}

/** Runs `call`, trying again as `policy` says while it fails with a retryable DatabaseError. */
export async function withRetries<T>(policy: ResolvedRetryPolicy, call: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      if (attempt >= policy.attempts || !(error instanceof DatabaseError) || !error.retryable) throw error;
      const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
      await sleep(Math.random() * ceiling);
    }
  }
}
