import { sql } from "kysely";
import { z } from "zod";
import {
  createRunSchema012,
  createStageSchema012,
  enqueueJobSchema012,
  updateRunSchema012,
  updateStageSchema012,
  upsertStageSchema012,
} from "../validation/input-schemas-0.12.js";
import type { ContractSupport } from "./contract-support.js";
import { VANISHED_WORKER_ERROR } from "./lease-tiers.js";
import { WORKFLOW_ID_PAYLOAD_KEY } from "./job-payload.js";
import { StaleVersionError, type StaleVersionErrorClass } from "./stale-version-error.js";


export interface Contract012Options {
  /**
   * The class StaleVersionError instances are made from. Hand in the engine's
   * own (`import { StaleVersionError } from "@bratsos/workflow-engine"`): its
   * kernel checks `error instanceof StaleVersionError` against that class.
   * Default: this library's class of the same name and fields.
   */
  staleVersionError?: StaleVersionErrorClass;
}

/** `version = version + 1`, qualified (an upsert's DO UPDATE needs it); built once, Kysely nodes are immutable. */
const VERSION_BUMPS = {
  workflow_runs: { version: sql`${sql.ref("workflow_runs.version")} + 1` },
  workflow_stages: { version: sql`${sql.ref("workflow_stages.version")} + 1` },
};

/**
 * The engine's 0.12 contract: runs and stages carry `version` (bumped by every
 * write, compare-and-set with `expectedVersion`), runs a JSON `metadata`,
 * stages an `attempt`; log levels and artifact types are TEXT; a job's
 * workflowId travels in its payload.
 */
export function contract012(options: Contract012Options = {}): ContractSupport {
  const ErrorClass = options.staleVersionError ?? StaleVersionError;
  return {
    version: "0.12",
    schemas: {
      createRun: createRunSchema012,
      updateRun: updateRunSchema012,
      createStage: createStageSchema012,
      upsertStage: upsertStageSchema012,
      updateStage: updateStageSchema012,
      enqueueJob: enqueueJobSchema012,
      enqueueJobs: z.array(enqueueJobSchema012),
    },
    label: (_dialect, _type, value) => sql`${value}`,
    extraColumns: {
      workflow_runs: { plain: ["version"], json: ["metadata"] },
      workflow_stages: { plain: ["version", "attempt"], json: [] },
    },
    runFields: (row, dialect) => ({
      version: Number(row.version),
      metadata: row.metadata == null ? null : dialect.readJson(row.metadata),
    }),
    stageFields: (row) => ({ version: Number(row.version), attempt: Number(row.attempt) }),
    newRunColumns: async (ctx, _operation, { metadata }) =>
      metadata === undefined ? {} : { metadata: ctx.dialect.json(metadata as string) },
    newStageColumns: (fields) => (fields.attempt === undefined ? {} : { attempt: fields.attempt }),
    versionBump: (table) => VERSION_BUMPS[table],
    staleVersion: (entity, id, expected, actual) => new ErrorClass(entity, id, expected, actual),
    jobFields: (stored) => {
      const payload = { ...((stored ?? {}) as Record<string, unknown>) };
      const workflowId = payload[WORKFLOW_ID_PAYLOAD_KEY];
      delete payload[WORKFLOW_ID_PAYLOAD_KEY];
      // A row written without one (by hand, or before 0.12) reads as "".
      return { payload, workflowId: typeof workflowId === "string" ? workflowId : "" };
    },
    claimedJobFields: () => ({}),
    acknowledgesSuspendedJobs: true,
    staleLeaseError: (_staleThresholdMs, gaveUp) => (gaveUp ? VANISHED_WORKER_ERROR : null),
  };
}
