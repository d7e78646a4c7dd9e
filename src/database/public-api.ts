import { asTypedError } from "./database-errors.js";
import type { QueryContext } from "./query-context.js";
import { checkSchema, type SchemaExpectation } from "./schema-check.js";

export interface PublicApiOptions {
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
 * leaves it untyped (asTypedError). One wrapper per object, made once.
 */
export function publicApi<T extends object>(api: T, ctx: QueryContext, options: PublicApiOptions = {}): T {
  const { expectation, except = [], callbacks = [] } = options;
  let ready = expectation === undefined;
  const ensure = () => checkSchema(ctx, expectation!).then(() => void (ready = true));
  const wrapped = { ...api } as Record<string, unknown>;
  for (const [name, method] of Object.entries(api)) {
    if (typeof method !== "function" || except.includes(name)) continue;
    const typed = (error: unknown) => {
      throw asTypedError(name, error);
    };
    // A method that throws before its first await still answers with a rejected promise.
    const call = (args: unknown[]): Promise<unknown> => {
      try {
        return Promise.resolve(method(...args));
      } catch (error) {
        return Promise.reject(error);
      }
    };
    wrapped[name] = callbacks.includes(name)
      ? (...args: unknown[]) => (ready ? call(args) : ensure().then(() => call(args)))
      : (...args: unknown[]) => (ready ? call(args) : ensure().then(() => call(args))).then(undefined, typed);
  }
  return wrapped as T;
}
