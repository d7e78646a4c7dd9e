import { asTypedError } from "./database-errors.js";
import { isRepeatable } from "./repeatable-calls.js";
import { retriesAutomatically, retryPolicyOf, withRetries } from "./retry-policy.js";
import type { QueryContext } from "./query-context.js";
import { checkSchema, type SchemaExpectation } from "./schema-check.js";
import { traced, type Component } from "../telemetry/call-spans.js";

export interface PublicApiOptions {
  /** Which part of the library the object is: the first word of its calls' spans (telemetry/call-spans.ts). */
  readonly component: Component;
  /** Checked on the object's first use (see checkSchema); absent for objects made inside a transaction. */
  readonly expectation?: SchemaExpectation | undefined;
  /** Methods left as they are: synchronous ones (logCall), and close/flush, which must work on any database. */
  readonly except?: readonly string[];
  /**
   * Methods that run a caller's callback (withTransaction): its errors are the
   * caller's and pass unchanged; the transaction's own failures are typed by
   * inWriteTransaction.
   */
  readonly callbacks?: readonly string[];
}

/**
 * The object a factory hands out: each async method first checks, once per
 * handle, that the database holds what the object needs, and no driver error
 * leaves it untyped (asTypedError), and each call has its span where
 * OpenTelemetry is installed. One wrapper per object, made once.
 */
export function publicApi<T extends object>(api: T, ctx: QueryContext, options: PublicApiOptions): T {
  const { component, expectation, except = [], callbacks = [] } = options;
  let ready = expectation === undefined;
  const ensure = () => checkSchema(ctx, expectation!).then(() => void (ready = true));
  const wrapped = { ...api } as Record<string, unknown>;
  for (const [name, method] of Object.entries(api)) {
    if (typeof method !== "function" || except.includes(name)) continue;
    const typed = (args: unknown[]) => (error: unknown) => {
      throw asTypedError(name, error, { inTransaction: ctx.inTransaction, repeatable: isRepeatable(name, args) });
    };
    // A method that throws before its first await still answers with a rejected promise.
    const call = (args: unknown[]): Promise<unknown> => {
      try {
        return Promise.resolve(method(...args));
      } catch (error) {
        return Promise.reject(error);
      }
    };
    const once = (args: unknown[]) => (ready ? call(args) : ensure().then(() => call(args))).then(undefined, typed(args));
    // One span per call, retries inside it (OpenTelemetry, where installed).
    wrapped[name] = callbacks.includes(name)
      ? (...args: unknown[]) => traced(component, name, args, ctx, () => (ready ? call(args) : ensure().then(() => call(args))))
      : (...args: unknown[]) =>
          traced(component, name, args, ctx, () => {
            const policy = retryPolicyOf(ctx.handle);
            // Each failure says whether repeating is safe (retryable): a call that
            // never reached the server, or one that changes nothing the second time.
            if (!policy || ctx.inTransaction || !retriesAutomatically(name)) return once(args);
            return withRetries(policy, () => once(args));
          });
  }
  return wrapped as T;
}
