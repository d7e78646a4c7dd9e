import { RunMetadataColumns } from "../persistence/run-metadata-columns.js";
import {
  createRunSchema,
  createStageSchema,
  enqueueJobSchema,
  enqueueJobsSchema,
  updateRunSchema,
  updateStageSchema,
  upsertStageSchema,
} from "../validation/input-schemas.js";
import type { ContractSupport } from "./contract-support.js";
import { VANISHED_WORKER_ERROR } from "./lease-tiers.js";

const NO_COLUMNS = { plain: [], json: [] };

/**
 * The engine's 0.1 contract: the schema of the first spec, records without
 * versions, `metadata` spread into columns the application added.
 */
export function contract01(): ContractSupport {
  // Per persistence instance: it caches the columns of workflow_runs.
  const metadataColumns = new RunMetadataColumns();
  return {
    version: "0.1",
    schemas: {
      createRun: createRunSchema,
      updateRun: updateRunSchema,
      createStage: createStageSchema,
      upsertStage: upsertStageSchema,
      updateStage: updateStageSchema,
      enqueueJob: enqueueJobSchema,
      enqueueJobs: enqueueJobsSchema,
    },
    label: (dialect, type, value) => dialect.enumValue(type, value),
    extraColumns: { workflow_runs: NO_COLUMNS, workflow_stages: NO_COLUMNS },
    runFields: () => ({}),
    stageFields: () => ({}),
    newRunColumns: (ctx, operation, input) =>
      metadataColumns.toColumnValues(ctx, operation, input.metadata as Record<string, unknown> | undefined),
    newStageColumns: () => ({}),
    versionBump: () => ({}),
    staleVersion: () => {
      throw new Error("0.1 writes have no expectedVersion"); // unreachable: its schemas refuse the field
    },
    jobFields: (payload) => ({ payload: (payload ?? {}) as Record<string, unknown> }),
    claimedJobFields: () => ({}),
    acknowledgesSuspendedJobs: false,
    staleLeaseError: (_staleThresholdMs, gaveUp) => (gaveUp ? VANISHED_WORKER_ERROR : null),
  };
}

/** The contract of contexts made without one (the queue and logger need no per-instance state). */
export const CONTRACT_0_1: ContractSupport = contract01();
