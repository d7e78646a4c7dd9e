import type { Kysely } from "kysely";
import { contract10, type Contract10Options } from "../contracts/contract-1.0.js";
import { createQueryContext, type QueryContext } from "../database/query-context.js";
import { publicApi } from "../database/public-api.js";
import { checkSchema, type SchemaExpectation } from "../database/schema-check.js";
import type {
  ClaimNextPendingRunOptions,
  CreateDefinitionInput,
  DefinitionVersionCountFilter,
  GetSuspendedStagesOptions,
  PurgeableRunStatus,
  WorkflowRunRecord,
  WorkflowStageRecord,
} from "../interfaces/1.0/types.js";
import type { WorkflowPersistenceWithLegacy } from "../interfaces/1.0/workflow-persistence.js";
import { checkKysely, parseOptions, persistence10Options } from "../validation/factory-options.js";
import { claimNextPendingRunOptionsSchema, suspendedStagesOptionsSchema } from "../validation/input-schemas-1.0.js";
import { parseInput } from "../validation/parse-input.js";
import * as definitions from "./definitions.js";
import { checkMaxArtifactBytes, sharedMethods, transactionOf, TRANSACTION_METHODS, type KyselyWorkflowPersistenceOptions } from "./kysely-workflow-persistence.js";
import { methods012 } from "./kysely-workflow-persistence-0.12.js";
import { claimUnpublishedOutboxEvents, releaseOutboxEvents } from "./outbox-claims.js";
import * as retention from "./retention.js";
import { claimNextPendingRun } from "./run-claims.js";
import { getSuspendedStages } from "./stage-reads.js";

export interface KyselyWorkflowPersistence10Options extends KyselyWorkflowPersistenceOptions, Contract10Options {
  /**
   * The clock claimNextPendingRun writes as startedAt/updatedAt when the call
   * passes no `now` (the engine passes its kernel clock). Default: the
   * database's clock.
   */
  now?: () => Date;
}

/** What every persistence of one factory call shares. */
interface Settings {
  maxArtifactBytes: number;
  versioning: boolean;
  now: (() => Date) | undefined;
}

const EXPECTATION: SchemaExpectation = { contract: "1.0" };

/**
 * The engine's 1.0 WorkflowPersistence over a Kysely instance, on a database
 * migrated with `target: "1.0"`. The same query core as the 0.1 and 0.12
 * persistences, with the 1.0 contract's differences and its new methods
 * (definition versions, retention, the outbox claim); the legacy methods the
 * 1.0 port dropped stay on the object.
 *
 * @example
 * ```ts
 * import { StaleVersionError } from "@bratsos/workflow-engine";
 * import { createKyselyWorkflowPersistence } from "kysely-workflow-persistence/v1";
 *
 * const persistence = createKyselyWorkflowPersistence(db, { staleVersionError: StaleVersionError });
 * const run = await persistence.createRun({ workflowId: "w", workflowName: "W", workflowType: "t", input: {}, definitionVersion: "v3" });
 * const claimed = await persistence.claimNextPendingRun({ serves: [{ workflowId: "w", version: "v3" }] });
 * ```
 */
export function createKyselyWorkflowPersistence10(
  db: Kysely<any>,
  options: KyselyWorkflowPersistence10Options = {},
): WorkflowPersistenceWithLegacy {
  checkKysely("createKyselyWorkflowPersistence", db);
  parseOptions("createKyselyWorkflowPersistence", persistence10Options, options);
  const settings: Settings = {
    maxArtifactBytes: checkMaxArtifactBytes(options),
    versioning: options.definitionVersioning ?? true,
    now: options.now,
  };
  const ctx = createQueryContext(db, options, contract10(options));
  return persistenceOn(ctx, settings, EXPECTATION);
}

function persistenceOn(ctx: QueryContext, settings: Settings, expectation?: SchemaExpectation): WorkflowPersistenceWithLegacy {
  const withTransaction = transactionOf(ctx, "withTransaction", (tx) => persistenceOn(tx, settings));
  // The shared and 0.12 methods return the 1.0 fields at run time (the
  // contract adds them); their declared types are narrowed here, in one place.
  const earlier = { ...sharedMethods(ctx, settings.maxArtifactBytes), ...methods012(ctx) } as unknown as Omit<
    WorkflowPersistenceWithLegacy,
    "withTransaction" | "transaction" | keyof ReturnType<typeof methods10>
  >;
  const api: WorkflowPersistenceWithLegacy = { ...earlier, ...methods10(ctx, settings), withTransaction, transaction: withTransaction };
  return publicApi(api, ctx, { component: "persistence", expectation, callbacks: TRANSACTION_METHODS, except: ["supportsDefinitionVersioning"] });
}

/** The methods 1.0 added or changed. */
function methods10(ctx: QueryContext, { versioning, now }: Settings) {
  return {
    claimNextPendingRun: (options?: ClaimNextPendingRunOptions): Promise<WorkflowRunRecord | null> => {
      const parsed = parseInput("claimNextPendingRun", "options", claimNextPendingRunOptionsSchema, options) ?? {};
      // Without versioning nothing is pinned: `serves` has nothing to filter (the engine's adapter ignores it too).
      return claimNextPendingRun(ctx, {
        ...(parsed.now !== undefined ? { now: parsed.now } : now !== undefined ? { now: now() } : {}),
        ...(versioning && parsed.serves !== undefined ? { serves: parsed.serves } : {}),
      }) as Promise<WorkflowRunRecord | null>;
    },
    getSuspendedStages: (beforeDate: Date, options?: GetSuspendedStagesOptions): Promise<WorkflowStageRecord[]> => {
      const parsed = parseInput("getSuspendedStages", "options", suspendedStagesOptionsSchema, options) ?? {};
      return getSuspendedStages(ctx, beforeDate, {
        ...(parsed.limit !== undefined ? { limit: parsed.limit } : {}),
        ...(versioning && parsed.serves !== undefined ? { serves: parsed.serves } : {}),
      }) as Promise<WorkflowStageRecord[]>;
    },

    supportsDefinitionVersioning: () => versioning,
    // The check every method makes on first use: one catalog read, which
    // cannot fail a caller's transaction; a database without the 1.0 tables
    // is a SchemaMismatchError naming the way.
    ensureDefinitionVersioningDetected: async () => {
      await checkSchema(ctx, EXPECTATION);
      return versioning;
    },
    insertDefinitionIfAbsent: async (input: CreateDefinitionInput) =>
      versioning ? definitions.insertDefinitionIfAbsent(ctx, input) : null,
    getDefinition: async (workflowId: string, version: string) =>
      versioning ? definitions.getDefinition(ctx, workflowId, version) : null,
    countRunsByDefinitionVersion: async (filter?: DefinitionVersionCountFilter) =>
      versioning ? definitions.countRunsByDefinitionVersion(ctx, filter) : [],

    listRunsForPurge: (cutoff: Date, statuses: readonly PurgeableRunStatus[], limit: number) =>
      retention.listRunsForPurge(ctx, cutoff, statuses, limit),
    deleteRun: (id: string) => retention.deleteRun(ctx, id),

    claimUnpublishedOutboxEvents: (limit?: number) => claimUnpublishedOutboxEvents(ctx, limit),
    releaseOutboxEvents: (ids: string[]) => releaseOutboxEvents(ctx, ids),
  };
}
