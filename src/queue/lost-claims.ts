import { sql } from "kysely";
import { connectionFailureOf } from "../database/connection-failures.js";
import type { QueueContext } from "./queue-context.js";

// A claim is one statement. When the connection is lost while it runs (a
// failover, a killed backend), its COMMIT may have landed with no reply: the
// job is RUNNING under this worker, and no one knows it, until a stale-lease
// sweep minutes later. So a queue remembers when a claim of its own failed
// that way, and its next claim first takes such jobs back: RUNNING under its
// worker id, claimed (startedAt, stamped by the claim and never renewed)
// within that failed call's time, and not among the jobs its claims did hand
// out. They go back to PENDING with the attempt the lost claim counted given
// back, and the next claim (this one, or another worker's) takes them again.
//
// The window is measured against the database's clock (its `now` minus the
// time this process saw pass since), so clock skew between machines does not
// widen it. A worker id is unique per process by default; two processes that
// share one configured id could each take back a job the other claimed in the
// same second: docs/queue.md says to keep worker ids unique.

/** Prefix of the lastError a taken-back job carries. */
export const CLAIM_REPLY_LOST = "CLAIM_REPLY_LOST";

/** How much wider than the failed call the window is, either side (network latency, a statement's own time). */
const MARGIN_MS = 1_000;
/** Ids handed out at least this recently are always remembered. */
const RECENT_MS = 10_000;

interface LostWindow {
  workerId: string;
  startedMs: number;
  endedMs: number;
}

/** The ids one claim handed out, and when. */
interface Received {
  at: number;
  ids: readonly string[];
}

interface ClaimState {
  lost: LostWindow[];
  /** Oldest first. */
  received: Received[];
  /** When each claim of this queue now running started. */
  inFlight: Set<{ startedMs: number }>;
}

const states = new WeakMap<QueueContext, ClaimState>();

function stateOf(ctx: QueueContext): ClaimState {
  let state = states.get(ctx);
  if (!state) states.set(ctx, (state = { lost: [], received: [], inFlight: new Set() }));
  return state;
}

/**
 * Runs a claim of this queue: takes back what an earlier claim lost first
 * (outside a caller's transaction), remembers the ids it hands out, and
 * remembers its own window when its connection is lost mid-way.
 */
export async function claimRecoveringLostReplies<T>(ctx: QueueContext, claim: () => Promise<T>, claimedIds: (result: T) => readonly string[]): Promise<T> {
  const state = stateOf(ctx);
  if (state.lost.length > 0 && !ctx.inTransaction) await takeBackLostClaims(ctx, state);
  const call = { startedMs: Date.now() };
  const workerId = ctx.workerId;
  state.inFlight.add(call);
  try {
    const result = await claim();
    const ids = claimedIds(result);
    const now = Date.now();
    if (ids.length > 0) state.received.push({ at: now, ids });
    forgetOldReceived(state, now);
    return result;
  } catch (error) {
    if (connectionFailureOf(error) === "lost") state.lost.push({ workerId, startedMs: call.startedMs, endedMs: Date.now() });
    throw error;
  } finally {
    state.inFlight.delete(call);
  }
}

/**
 * A take-back's window opens MARGIN_MS before its failed call started, and
 * only a job handed out since then can have been claimed in it. So what must
 * be remembered reaches back to MARGIN_MS before the earliest of: a claim
 * still running (it may yet fail), a window not yet taken back, and
 * RECENT_MS ago. Everything older is forgotten, oldest first: a worker whose
 * claims never fail keeps seconds of ids, not every id it ever claimed.
 */
function forgetOldReceived(state: ClaimState, now: number): void {
  let since = now - RECENT_MS;
  for (const call of state.inFlight) since = Math.min(since, call.startedMs);
  for (const window of state.lost) since = Math.min(since, window.startedMs);
  since -= MARGIN_MS;
  let old = 0;
  while (old < state.received.length && state.received[old]!.at < since) old++;
  if (old > 0) state.received.splice(0, old);
}

/** How many handed-out ids a queue remembers (tests). */
export function rememberedClaimCount(ctx: QueueContext): number {
  return (states.get(ctx)?.received ?? []).reduce((count, received) => count + received.ids.length, 0);
}

/** The jobs claimed in the lost calls' windows and never handed out, back to PENDING; returns how many. */
export async function takeBackLostClaims(ctx: QueueContext, state: ClaimState = stateOf(ctx)): Promise<number> {
  forgetOldReceived(state, Date.now());
  const windows = state.lost.splice(0);
  const { dialect } = ctx;
  let taken = 0;
  try {
    // The database's clock against this process's, read in one round trip: the
    // windows become the database's own times, however long the statements
    // below then wait for a connection (a failover still settling).
    const offsetMs = await clockOffsetMs(ctx);
    for (const window of windows) {
      const from = new Date(window.startedMs + offsetMs - MARGIN_MS);
      const to = new Date(window.endedMs + offsetMs + MARGIN_MS);
      let statement = ctx.db
        .updateTable("job_queue")
        .set({
          status: dialect.enumValue("Status", "PENDING"),
          workerId: null,
          lockedAt: null,
          attempt: sql<number>`case when ${sql.ref("attempt")} > 0 then ${sql.ref("attempt")} - 1 else 0 end`,
          lastError: `${CLAIM_REPLY_LOST}: claimed by ${window.workerId}, whose connection was lost before the claim's reply arrived; back to PENDING`,
          updatedAt: dialect.now(),
        })
        .where("status", "=", dialect.enumValue("Status", "RUNNING"))
        .where("workerId", "=", window.workerId)
        .where("startedAt", ">=", dialect.date(from))
        .where("startedAt", "<=", dialect.date(to));
      // Only ids handed out since the window opened can have been claimed in it.
      const handedOut = state.received.filter((received) => received.at >= window.startedMs - MARGIN_MS).flatMap((received) => received.ids);
      if (handedOut.length > 0) statement = statement.where("id", "not in", dialect.valueList(handedOut));
      taken += Number((await statement.executeTakeFirst()).numUpdatedRows);
    }
  } catch (error) {
    state.lost.unshift(...windows); // still unreachable: the next claim tries again
    throw error;
  }
  return taken;
}

/** The database's clock minus this process's, in ms (within the reply's latency, which the margin covers). */
async function clockOffsetMs(ctx: QueueContext): Promise<number> {
  const row = await ctx.db.selectNoFrom(sql<unknown>`${ctx.dialect.now()}`.as("now")).executeTakeFirstOrThrow();
  const received = Date.now();
  // now() is read as the statement starts, after any wait for a connection: close to `received`.
  return ctx.dialect.readDate(row.now).getTime() - received;
}
