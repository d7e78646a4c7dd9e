import { sql, type Expression, type Kysely, type QueryCreator, type SqlBool } from "kysely";
import type { Database } from "../database/database.js";
import { parameter, PreparedQueriesByShape } from "../database/prepared-query.js";
import { inWriteTransaction } from "../database/query-context.js";
import { servedBy, type Served } from "../database/served-filter.js";
import type { DialectSupport } from "../dialects/dialect-support.js";
import type { DequeueResult } from "../interfaces/1.0/types.js";
import { DEFINITION_VERSION_PAYLOAD_KEY, WORKFLOW_ID_PAYLOAD_KEY } from "../contracts/job-payload.js";
import { claimJobs, claimQuery, claimValues, toClaimedJobs } from "./claim-jobs.js";
import type { QueueContext } from "./queue-context.js";

/** A queue's fairness: at most `cap` RUNNING jobs per group, the group read at `path` in the payload. */
export interface Fairness {
  cap: number;
  path: readonly string[];
}

/** What a 1.0 claim is asked for: the definitions served (undefined: all). */
export interface ClaimRequest {
  serves?: readonly Served[] | undefined;
}

/**
 * The 1.0 claims: the prepared plain claim when nothing narrows it;
 * otherwise the same statement with the served definitions (read from the
 * payload's `_workflowId` and `_definitionVersion`, which enqueue wrote) and
 * the fairness cap added to the pick. A claim with fairness takes one job
 * per statement, so a batch cannot overshoot a group's cap in one step.
 */
export async function claimJobs10(ctx: QueueContext, limit: number, request: ClaimRequest, fairness: Fairness | undefined): Promise<DequeueResult[]> {
  const { serves } = request;
  if (serves !== undefined && serves.length === 0) return []; // serves nothing: no work
  if (!fairness) {
    if (serves === undefined) return claimJobs(ctx, limit) as Promise<DequeueResult[]>;
    return claimNarrowed(ctx, { limit, serves, fairness: undefined, group: undefined });
  }
  const claimed: DequeueResult[] = [];
  while (claimed.length < limit) {
    const [job] = await claimFairly(ctx, serves, fairness);
    if (!job) break;
    claimed.push(job);
  }
  return claimed;
}

/**
 * One fair claim. On SQLite the claim statement holds the write lock from
 * its first read, so counting a group's RUNNING jobs and claiming one of its
 * jobs are one step. On PostgreSQL two claimers could both count a group
 * below its cap and both claim: each claim runs in a transaction that picks
 * a candidate's group, takes that group's transaction-level advisory lock,
 * and claims only then, with a statement whose snapshot (taken after the
 * lock) sees every claim committed before it. Claims of different groups
 * do not wait for each other. A group found at its cap after the lock is
 * passed over, and the next candidate's group tried.
 */
async function claimFairly(ctx: QueueContext, serves: readonly Served[] | undefined, fairness: Fairness): Promise<DequeueResult[]> {
  if (ctx.dialect.statementsRunAlone) return claimNarrowed(ctx, { limit: 1, serves, fairness, group: undefined });
  return inWriteTransaction(ctx, async (tx) => {
    const queue = tx as QueueContext; // the spread of ctx: it carries workerId
    const passedOver: Array<string | null> = [];
    for (let attempt = 0; attempt < MAX_GROUPS_TRIED; attempt++) {
      const candidate = await candidateGroup(queue, serves, fairness, passedOver);
      if (candidate === undefined) return [];
      await ctx.dialect.serializeWriters(tx.db, "kwp fairness", candidate === null ? ANONYMOUS_GROUP : `g:${candidate}`);
      const claimed = await claimNarrowed(queue, { limit: 1, serves, fairness, group: { value: candidate } });
      if (claimed.length > 0) return claimed;
      passedOver.push(candidate);
    }
    return [];
  });
}

/** How many groups one fair claim tries before it reports nothing runnable (they were all taken meanwhile). */
const MAX_GROUPS_TRIED = 16;
/** The lock key of jobs without a group (a real group's key is prefixed "g:"). */
const ANONYMOUS_GROUP = "anonymous";

const groupOf = (dialect: DialectSupport, table: string, fairness: Fairness) =>
  sql<string | null>`${dialect.jsonTextField(`${table}.payload`, fairness.path)}`;

/** The group of the job a claim would take next, by the snapshot's counts; undefined when there is none. */
async function candidateGroup(
  ctx: QueueContext,
  serves: readonly Served[] | undefined,
  fairness: Fairness,
  passedOver: ReadonlyArray<string | null>,
): Promise<string | null | undefined> {
  const { dialect } = ctx;
  const group = groupOf(dialect, "job_queue", fairness);
  let pick = capped(ctx.db, dialect, fairness, sql.val(fairness.cap))
    .selectFrom("job_queue")
    .select(group.as("g"))
    .where("status", "=", sql.lit("PENDING"))
    .where((eb) => eb.or([eb("nextPollAt", "is", null), eb("nextPollAt", "<=", dialect.now())]))
    .where(notCapped(group));
  if (serves !== undefined) pick = pick.where(servesJob(dialect, serves));
  for (const value of passedOver) pick = pick.where(sql<SqlBool>`not (${group} is not distinct from ${value})`);
  const row = await pick.orderBy("priority", "desc").orderBy("createdAt", "asc").orderBy("id", "asc").limit(1).executeTakeFirst();
  return row === undefined ? undefined : row.g === null ? null : String(row.g);
}

/** The groups holding `cap` or more RUNNING jobs, as a materialized CTE `capped (g)`, computed once per statement. */
function capped(db: Kysely<Database>, dialect: DialectSupport, fairness: Fairness, cap: Expression<number>) {
  const group = groupOf(dialect, "held", fairness);
  return db.with(
    (cte) => cte("capped").materialized(),
    (db) =>
      db
        .selectFrom("job_queue as held")
        .select(group.as("g"))
        .where("held.status", "=", sql.lit("RUNNING"))
        // By the output name: the expression's keys are bound, and PostgreSQL cannot
        // match a GROUP BY expression whose parameters differ from the select's.
        .groupBy(sql.ref("g") as never)
        .having((eb) => eb(eb.fn.countAll(), ">=", cap)),
  );
}

const notCapped = (group: Expression<unknown>) =>
  sql<SqlBool>`not exists (select 1 from ${sql.table("capped")} where ${sql.ref("capped.g")} is not distinct from ${group})`;

const servesJob = (dialect: DialectSupport, serves: readonly Served[]) =>
  servedBy(
    dialect.jsonTextField("job_queue.payload", WORKFLOW_ID_PAYLOAD_KEY),
    dialect.jsonTextField("job_queue.payload", DEFINITION_VERSION_PAYLOAD_KEY),
    serves,
  );

interface Shape {
  limit: number;
  serves: readonly Served[] | undefined;
  fairness: Fairness | undefined;
  /** Only this group's jobs (the PostgreSQL fair claim, once it holds the group's lock). */
  group: { value: string | null } | undefined;
}

/** Claim statements with narrowed picks, one per shape (limit, number of served pairs, fairness path, group). */
const narrowedClaims = new PreparedQueriesByShape<Record<string, unknown>>();

async function claimNarrowed(ctx: QueueContext, shape: Shape): Promise<DequeueResult[]> {
  const { limit, serves, fairness, group } = shape;
  const key = `${limit}|${serves?.length ?? "-"}|${fairness ? JSON.stringify(fairness.path) : "-"}|${group ? "group" : "-"}`;
  const prepared = narrowedClaims.forShape(ctx.dialect, key, (db, dialect) => {
    const jobGroup = fairness ? groupOf(dialect, "job_queue", fairness) : undefined;
    const creator = (fairness ? capped(db, dialect, fairness, parameter("cap")) : db) as unknown as QueryCreator<Database>;
    const served = serves?.map((_, i) => ({ workflowId: parameter<string>("workflowId", i), version: parameter<string>("version", i) }));
    return claimQuery(creator, dialect, limit, undefined, (pick) => {
      let narrowed = pick;
      if (served) narrowed = narrowed.where(servesJob(dialect, served));
      if (jobGroup) narrowed = narrowed.where(notCapped(jobGroup));
      if (jobGroup && group) narrowed = narrowed.where(sql<SqlBool>`${jobGroup} is not distinct from ${parameter("group")}`);
      return narrowed;
    });
  });
  const values = { ...claimValues(ctx), ...(fairness ? { cap: fairness.cap } : {}), ...(group ? { group: group.value } : {}) };
  const { rows } = await prepared.execute(ctx, values, serves?.map((s) => ({ workflowId: s.workflowId, version: s.version })) ?? []);
  return toClaimedJobs(ctx, rows) as DequeueResult[];
}
