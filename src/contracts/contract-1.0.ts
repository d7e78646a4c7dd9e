import { z } from "zod";
import {
  createRunSchema10,
  createStageSchema10,
  enqueueJobSchema10,
  updateRunSchema10,
  updateStageSchema10,
  upsertStageSchema10,
} from "../validation/input-schemas-1.0.js";
import { contract012, type Contract012Options } from "./contract-0.12.js";
import type { ContractSupport } from "./contract-support.js";
import { DEFINITION_VERSION_PAYLOAD_KEY, GROUP_KEY_PAYLOAD_KEY } from "./job-payload.js";
import { LEASE_HEARTBEAT_LOST, VANISHED_WORKER_ERROR } from "./lease-tiers.js";

export interface Contract10Options extends Contract012Options {
  /**
   * false: runs are not pinned (a definitionVersion given to createRun or
   * updateRun is dropped, as an adapter without versioning does). Default true.
   */
  definitionVersioning?: boolean;
}

/** The schema, with `definitionVersion` dropped from what it accepts. */
const withoutVersion = <S extends z.ZodType<any>>(schema: S) =>
  schema.transform(({ definitionVersion: _dropped, ...rest }: Record<string, unknown>) => rest);

/**
 * The engine's 1.0 contract: 0.12's records and versions, runs pinned to a
 * definition version and counting redrives, stages whose attempt the caller
 * may set, jobs carrying a fairness group and a version in their payload (and
 * never handing those keys back), claims handing out their `startedAt`
 * fence, and a reclaimed lease named in lastError.
 */
export function contract10(options: Contract10Options = {}): ContractSupport {
  const base = contract012(options);
  const pinning = options.definitionVersioning ?? true;
  return {
    ...base,
    version: "1.0",
    schemas: {
      createRun: pinning ? createRunSchema10 : withoutVersion(createRunSchema10),
      updateRun: pinning ? updateRunSchema10 : withoutVersion(updateRunSchema10),
      createStage: createStageSchema10,
      upsertStage: upsertStageSchema10,
      updateStage: updateStageSchema10,
      enqueueJob: enqueueJobSchema10,
      enqueueJobs: z.array(enqueueJobSchema10),
    },
    extraColumns: {
      workflow_runs: { plain: ["version", "definitionVersion", "redriveCount"], json: ["metadata"] },
      workflow_stages: base.extraColumns.workflow_stages,
    },
    runFields: (row, dialect) => ({
      ...base.runFields(row, dialect),
      definitionVersion: row.definitionVersion == null ? null : String(row.definitionVersion),
      redriveCount: Number(row.redriveCount),
    }),
    newRunColumns: async (ctx, operation, input) => ({
      ...(await base.newRunColumns(ctx, operation, input)),
      ...(input.definitionVersion != null ? { definitionVersion: input.definitionVersion } : {}),
    }),
    newStageColumns: base.newStageColumns,
    jobFields: (stored) => {
      const { payload, workflowId } = base.jobFields(stored);
      delete payload[GROUP_KEY_PAYLOAD_KEY];
      delete payload[DEFINITION_VERSION_PAYLOAD_KEY];
      return { payload, ...(workflowId !== undefined ? { workflowId } : {}) };
    },
    claimedJobFields: (row, dialect) => ({ startedAt: dialect.readDate(row.startedAt) }),
    staleLeaseError: (staleThresholdMs, gaveUp) =>
      gaveUp
        ? `${LEASE_HEARTBEAT_LOST}: ${VANISHED_WORKER_ERROR}`
        : `${LEASE_HEARTBEAT_LOST}: the lease was not renewed for ${staleThresholdMs} ms (its worker stopped heartbeating); back to PENDING`,
  };
}
