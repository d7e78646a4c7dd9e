import type { Kysely } from "kysely";
import { contractOfTables } from "../database/database-contract.js";
import { CONTRACT_VERSIONS, type ContractVersion } from "../database/migrations/contract-versions.js";
import { publicApi } from "../database/public-api.js";
import { createQueryContext, type QueryContextOptions } from "../database/query-context.js";
import { SchemaMismatchError } from "../errors.js";
import { checkKysely, consoleOptions, parseOptions } from "../validation/factory-options.js";
import { capabilitiesOf, consoleFeatures } from "./console-features.js";
import { ConsoleQueryTimeoutError } from "./console-errors.js";
import type { ConsoleReader } from "./console-rows.js";
import type { ConsoleReadPort, RunListQuery, RunSummary } from "./console-types.js";
import { getCosts } from "./costs.js";
import { consoleTotalsOf, type ConsoleTotals } from "./console-totals.js";
import { listDeadLetters } from "./dead-letters.js";
import { getQueueHealth, listWorkers } from "./queue-health.js";
import { getRunDetail, listRunEvents } from "./run-detail.js";
import { listRuns } from "./run-list.js";
import { listSuspendedStages } from "./suspended-stages.js";
import { getModelCosts, type ModelCost, type ModelCostQuery } from "./model-costs.js";
import { listRunJobs, type RunJob } from "./run-jobs.js";
import { listNewerRuns, type NewerRunsPage } from "./run-list-newer.js";
import { listRunErrors, type RunError } from "./run-errors.js";
import { listOverdueJobs, type OverdueJob } from "./overdue-jobs.js";
import { getStagePayload, type StagePayloadName } from "./stage-payload.js";
import { findRunsByIdPrefix } from "./run-id-prefix.js";
import { listRunAICalls, type RunAICallsPage, type RunAICallsQuery } from "./run-ai-calls.js";
import { CONTRACT_0_1 } from "../contracts/contract-0.1.js";

/**
 * The read port this library hands out: the engine's ConsoleReadPort, plus
 * the reads `kwp ui` shows that the port has no method for.
 */
export interface KyselyConsoleReadPort extends ConsoleReadPort {
  /** AI calls, tokens and cost by model, for one run or a time range. */
  getModelCosts(query?: ModelCostQuery): Promise<ModelCost[]>;
  /** A run's jobs: where its retries show (attempts), on every contract. */
  listRunJobs(runId: string): Promise<RunJob[]>;
  /** A run's AI calls one by one (stage, model, tokens, cost; no prompt or response), oldest first, paged. */
  listRunAICalls(query: RunAICallsQuery): Promise<RunAICallsPage>;
  /** One JSON column of one of a run's stages (output, suspended state, …): null when empty, undefined when the run has no such stage. */
  getStagePayload(runId: string, stageRecordId: string, name: StagePayloadName): Promise<unknown>;
  /** The SUSPENDED jobs past their poll time, the longest overdue first (the jobs behind getQueueHealth's overduePolls). */
  listOverdueJobs(limit?: number): Promise<OverdueJob[]>;
  /** Why each of these runs failed, where a stage says (at most 200 ids): the runs list shows it. */
  listRunErrors(runIds: readonly string[]): Promise<Map<string, RunError>>;
  /** The page of the runs list just before a cursor (its newer runs, same filters): a "previous page". */
  listNewerRuns(query: RunListQuery & { cursor: string }): Promise<NewerRunsPage>;
  /** The runs whose id starts with `prefix` (case-sensitive), at most `limit` (1–200, 20 by default), in id order: an index range, bounded. */
  findRunsByIdPrefix(prefix: string, limit?: number): Promise<RunSummary[]>;
}

export interface KyselyConsoleReadPortOptions extends QueryContextOptions {
  /**
   * PostgreSQL: the statement timeout of each read, in ms (default 15000; 0:
   * none). A read past it fails with ConsoleQueryTimeoutError. Not applied
   * inside a transaction the caller opened: its budget is the caller's.
   */
  statementTimeoutMs?: number;
  /**
   * The engine contract whose schema the reads expect (default "1.0", the
   * console's); `capabilities` follows it. The first read checks once that the
   * database holds at least that schema (SchemaMismatchError naming the
   * contract to pass otherwise).
   */
  contract?: ContractVersion;
  /** The clock "overdue" (queue health) is measured against; default the database's. */
  now?: () => Date;
}

/** The default statement timeout of a console read. */
export const DEFAULT_STATEMENT_TIMEOUT_MS = 15_000;

/**
 * The engine console's read port over a Kysely instance (an openDatabase
 * handle, an application's own instance, or a transaction it opened), on
 * SQLite and PostgreSQL, for a database of any contract: `capabilities` says
 * what the declared contract's schema holds (steps from 1.0; annotations,
 * events and dead letters from 0.12). Made synchronously, as the engine's
 * own reader is. It only reads, each read one indexed query per list, and
 * never counts the runs table.
 *
 * @example
 * ```ts
 * import { createKyselyConsoleReadPort, openDatabase } from "kysely-workflow-persistence";
 *
 * const reader = createKyselyConsoleReadPort(openDatabase("sqlite:./workflow.db"), { contract: "0.1" });
 * const { runs, nextCursor } = await reader.listRuns({ filters: { status: ["FAILED"] }, limit: 20 });
 * ```
 */
export function createKyselyConsoleReadPort(db: Kysely<any>, options: KyselyConsoleReadPortOptions = {}): KyselyConsoleReadPort {
  checkKysely("createKyselyConsoleReadPort", db);
  const { statementTimeoutMs = DEFAULT_STATEMENT_TIMEOUT_MS, contract = "1.0", now: _checked, ...contextOptions } = parseOptions("createKyselyConsoleReadPort", consoleOptions, options);
  const now = options.now;
  const ctx = createQueryContext(db, contextOptions, CONTRACT_0_1);
  const { dialect } = ctx;
  const features = consoleFeatures(contract);

  // Once per port: the database must hold the declared contract's tables (a newer schema reads fine).
  let checked: Promise<void> | undefined;
  let totals: ConsoleTotals | undefined;
  const check = async () => {
    const tables = await dialect.listTables(ctx.db);
    totals = consoleTotalsOf(tables);
    const found = contractOfTables(tables);
    if (found !== undefined && CONTRACT_VERSIONS.indexOf(found) >= CONTRACT_VERSIONS.indexOf(contract)) return;
    checked = undefined;
    throw new SchemaMismatchError(
      contract,
      found ?? "unmigrated",
      found === undefined
        ? "the console read port: the database holds no workflow tables; migrate it first (kwp migrate)"
        : `the console read port expects the ${contract} schema and the database holds ${found}'s: pass { contract: "${found}" }, or migrate it (kwp migrate --target ${contract})`,
    );
  };

  const read = async <T>(operation: string, work: (reader: ConsoleReader) => Promise<T>): Promise<T> => {
    await (checked ??= check());
    try {
      if (ctx.inTransaction || statementTimeoutMs <= 0) return await work({ db: ctx.db, dialect, features, totals, now });
      return await dialect.readWithTimeout(ctx.db, statementTimeoutMs, (tx) => work({ db: tx, dialect, features, totals, now }));
    } catch (error) {
      if (dialect.isStatementTimeout(error)) throw new ConsoleQueryTimeoutError(operation, statementTimeoutMs, error);
      throw error;
    }
  };

  const port: KyselyConsoleReadPort = {
    capabilities: capabilitiesOf(features),
    listRuns: (query) => read("runs.list", (r) => listRuns(r, query)),
    getRunDetail: (runId, detailOptions) => read("run.read", (r) => getRunDetail(r, runId, detailOptions)),
    listRunEvents: (runId, afterSequence, limit) => read("run.events", (r) => listRunEvents(r, runId, afterSequence, limit)),
    getQueueHealth: () => read("queue.read", getQueueHealth),
    listSuspendedStages: (limit) => read("suspended.read", (r) => listSuspendedStages(r, limit)),
    listDeadLetters: (limit) => read("deadLetters.read", (r) => listDeadLetters(r, limit)),
    listWorkers: () => read("workers.read", listWorkers),
    getCosts: (query) => read("costs.read", (r) => getCosts(r, query)),
    getModelCosts: (query) => read("costs.read", (r) => getModelCosts(r, query)),
    listRunJobs: (runId) => read("run.read", (r) => listRunJobs(r, runId)),
    listNewerRuns: (query) => read("runs.list", (r) => listNewerRuns(r, query)),
    listRunAICalls: (query) => read("run.read", (r) => listRunAICalls(r, query)),
    getStagePayload: (runId, stageRecordId, name) => read("run.read", (r) => getStagePayload(r, runId, stageRecordId, name)),
    listOverdueJobs: (limit) => read("queue.read", (r) => listOverdueJobs(r, limit)),
    listRunErrors: (runIds) => read("runs.list", (r) => listRunErrors(r, runIds)),
    findRunsByIdPrefix: (prefix, limit) => read("runs.list", (r) => findRunsByIdPrefix(r, prefix, limit)),
  };
  return publicApi(port, ctx, { component: "console" });
}
