import type { QueryContext } from "../database/query-context.js";

/** A QueryContext plus the identity the queue claims and acknowledges jobs under. */
export interface QueueContext extends QueryContext {
  readonly workerId: string;
}
