/**
 * A compare-and-set write (`expectedVersion` given) found another version:
 * nothing was written. Same name, fields and message as the engine's own
 * class, so code that reads them works unchanged.
 */
export class StaleVersionError extends Error {
  constructor(
    /** "WorkflowRun" or "WorkflowStage". */
    readonly entity: string,
    readonly id: string,
    readonly expected: number,
    /** The row's version when the write was refused; -1 when the row does not exist. */
    readonly actual: number,
  ) {
    super(`Stale version on ${entity} ${id}: expected ${expected}, got ${actual}`);
    this.name = "StaleVersionError";
  }
}

/**
 * The constructor of a StaleVersionError: the engine's own class (its kernel
 * tests `instanceof` against it), or ours. Any class whose constructor takes
 * these four arguments works.
 */
export type StaleVersionErrorClass = new (entity: string, id: string, expected: number, actual: number) => Error;
