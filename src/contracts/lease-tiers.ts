/**
 * The `lastError` prefixes of the engine's two lease tiers (1.0), exported
 * under its names. The heartbeat tier (releaseStaleJobs) reclaims a job whose
 * worker stopped renewing its lease; the absolute tier (expireRunawayJobs)
 * fails a job held past the cap however alive its worker looks.
 */
export const LEASE_HEARTBEAT_LOST = "LEASE_HEARTBEAT_LOST";
export const LEASE_ABSOLUTE_CAP = "LEASE_ABSOLUTE_CAP";

/** The lastError of a job given up because its worker vanished while holding it, on its last attempt. */
export const VANISHED_WORKER_ERROR =
  "worker vanished while holding the job (lock went stale) and the job has no attempts left";
