/**
 * The public methods a caller may call again after a connection failure in
 * flight, because a second call changes nothing the first did not (or the
 * library makes it so): reads; heartbeats; sweeps; writes that name their
 * rows and set them to a state (cancel a run's jobs, mark events published,
 * delete a run, put a blob); fenced acknowledgements (a fence names one claim;
 * repeating one that landed answers "acknowledged" again, see
 * fenced-acknowledgements.ts); and claims, whose lost replies the queue takes
 * back on its next claim (lost-claims.ts). Never a write that may add a
 * second row or undo a later change: creating a run, appending, a
 * compare-and-set, an unfenced acknowledgement.
 */
const READS = /^(get|list|count|has|load|is|wait|collect|snapshot)[A-Z]?/;

const REPEATABLE = new Set([
  "getStats", "heartbeat", "touchJob", "releaseStaleJobs", "expireRunawayJobs",
  "cancelByRun", "markOutboxEventsPublished", "releaseOutboxEvents", "deleteRun", "deleteByRunAndStages",
  "insertDefinitionIfAbsent", "upsertStage", "saveArtifact", "put", "delete", "clear", "clearExcept", "update",
  "dequeue", "dequeueBatch",
]);

/** Where each acknowledgement takes its optional fence. */
const FENCE_ARGUMENT: Record<string, number> = { complete: 1, suspend: 2, fail: 3, defer: 3 };

export function isRepeatable(operation: string, args: readonly unknown[]): boolean {
  if (READS.test(operation) || REPEATABLE.has(operation)) return true;
  const fence = FENCE_ARGUMENT[operation];
  return fence !== undefined && args[fence] !== undefined && args[fence] !== null;
}
