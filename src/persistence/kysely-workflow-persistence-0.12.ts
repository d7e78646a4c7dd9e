import type { Kysely } from "kysely";
import { contract012, type Contract012Options } from "../contracts/contract-0.12.js";
import { createQueryContext, inWriteTransaction, type QueryContext } from "../database/query-context.js";
import type { WorkflowPersistence } from "../interfaces/0.12/workflow-persistence.js";
import type {
  AcquireIdempotencyKeyOptions,
  AnnotationFilters,
  CreateAnnotationInput,
  CreateOutboxEventInput,
} from "../interfaces/0.12/types.js";
import * as annotations from "./annotations.js";
import { publicApi } from "../database/public-api.js";
import type { SchemaExpectation } from "../database/schema-check.js";
import { checkKysely, parseOptions, persistence012Options } from "../validation/factory-options.js";
import * as idempotency from "./idempotency-keys.js";
import {
  checkMaxArtifactBytes,
  sharedMethods,
  transactionOf,
  TRANSACTION_METHODS,
  type KyselyWorkflowPersistenceOptions,
} from "./kysely-workflow-persistence.js";
import * as outbox from "./outbox.js";
import * as deadLetters from "./outbox-dead-letters.js";
import { getStuckRuns } from "./stuck-runs.js";

export interface KyselyWorkflowPersistence012Options extends KyselyWorkflowPersistenceOptions, Contract012Options {}

/**
 * The engine's 0.12 WorkflowPersistence over a Kysely instance, on a database
 * migrated with `target: "0.12"`. The same query core as the 0.1 persistence,
 * with the 0.12 contract's differences (versions, metadata, attempt, TEXT
 * labels) and its new methods.
 *
 * @example
 * ```ts
 * import { StaleVersionError } from "@bratsos/workflow-engine";
 * import { createKyselyWorkflowPersistence } from "kysely-workflow-persistence/v0.12";
 *
 * const persistence = createKyselyWorkflowPersistence(db, { staleVersionError: StaleVersionError });
 * const run = await persistence.createRun({ workflowId: "w", workflowName: "W", workflowType: "t", input: {} });
 * await persistence.updateRun(run.id, { status: "RUNNING", expectedVersion: run.version }); // compare-and-set
 * ```
 */
export function createKyselyWorkflowPersistence012(
  db: Kysely<any>,
  options: KyselyWorkflowPersistence012Options = {},
): WorkflowPersistence {
  checkKysely("createKyselyWorkflowPersistence", db);
  parseOptions("createKyselyWorkflowPersistence", persistence012Options, options);
  const maxArtifactBytes = checkMaxArtifactBytes(options);
  const ctx = createQueryContext(db, options, contract012(options));
  return persistenceOn(ctx, maxArtifactBytes, { contract: "0.12" });
}

function persistenceOn(ctx: QueryContext, maxArtifactBytes: number, expectation?: SchemaExpectation): WorkflowPersistence {
  const withTransaction = transactionOf(ctx, "withTransaction", (tx) => persistenceOn(tx, maxArtifactBytes));
  // The shared methods return the 0.12 fields at run time (the contract adds
  // them); their declared 0.1 types are narrowed here, in one place.
  const shared = sharedMethods(ctx, maxArtifactBytes) as unknown as Omit<
    WorkflowPersistence,
    "withTransaction" | "transaction" | keyof ReturnType<typeof methods012>
  >;
  const api: WorkflowPersistence = { ...shared, ...methods012(ctx), withTransaction, transaction: withTransaction };
  return publicApi(api, ctx, { component: "persistence", expectation, callbacks: TRANSACTION_METHODS });
}

/** The methods 0.12 added to the 0.1 persistence (1.0 keeps them). */
export function methods012(ctx: QueryContext) {
  return {
    getStuckRuns: (stuckSince: Date) => getStuckRuns(ctx, stuckSince) as ReturnType<WorkflowPersistence["getStuckRuns"]>,

    appendAnnotations: (inputs: CreateAnnotationInput[]) => annotations.appendAnnotations(ctx, inputs),
    listAnnotations: (runId: string, filters?: AnnotationFilters) => annotations.listAnnotations(ctx, runId, filters),

    appendOutboxEvents: (events: CreateOutboxEventInput[]) => outbox.appendOutboxEvents(ctx, events),
    getUnpublishedOutboxEvents: (limit?: number) => outbox.getUnpublishedOutboxEvents(ctx, limit),
    markOutboxEventsPublished: (ids: string[]) => outbox.markOutboxEventsPublished(ctx, ids),
    incrementOutboxRetryCount: (id: string) => deadLetters.incrementOutboxRetryCount(ctx, id),
    moveOutboxEventToDLQ: (id: string) => deadLetters.moveOutboxEventToDLQ(ctx, id),
    replayDLQEvents: (maxEvents: number) => deadLetters.replayDLQEvents(ctx, maxEvents),

    acquireIdempotencyKey: (key: string, commandType: string, options?: AcquireIdempotencyKeyOptions) =>
      idempotency.acquireIdempotencyKey(ctx, key, commandType, options),
    completeIdempotencyKey: (key: string, commandType: string, result: unknown) =>
      idempotency.completeIdempotencyKey(ctx, key, commandType, result),
    releaseIdempotencyKey: (key: string, commandType: string) => idempotency.releaseIdempotencyKey(ctx, key, commandType),
  };
}
