import { sql } from "kysely";
import { db10 } from "../../contracts/tables-1.0.js";
import type { QueryContext } from "../../database/query-context.js";

/** What the 1.0 demo adds to its summary, counted by the database over its own runs. */
export interface DemoFigures10 {
  /** Durable steps recorded, and how many a retried stage replayed instead of running again. */
  steps: number;
  stepsReplayed: number;
  /** Fenced acknowledgements that came back "superseded" (their writes rolled back). */
  acknowledgementsSuperseded: number;
  /** Runs per definition version. */
  runsByVersion: Record<string, number>;
  annotations: number;
  outboxPublished: number;
  deadLetters: number;
  /** AI calls whose cost the provider reported (the rest are catalogue estimates). */
  aiCallsReported: number;
}

/** The 1.0 figures for `runIds` alone (bound as one list parameter). */
export async function demoFigures10(ctx: QueryContext, runIds: readonly string[]): Promise<DemoFigures10> {
  const db = db10(ctx);
  const ids = () => ctx.dialect.valueList(runIds);
  const count = (row: { n: unknown } | undefined) => Number(row?.n ?? 0);
  const [steps, replayed, superseded, annotations, published, dead, reported, versions] = await Promise.all([
    db.selectFrom("workflow_steps").innerJoin("workflow_stages", "workflow_stages.id", "workflow_steps.stageRecordId")
      .select((eb) => eb.fn.countAll().as("n")).where("workflow_stages.workflowRunId", "in", ids()).executeTakeFirst(),
    logsLike(ctx, ids, "step draft replayed%"),
    logsLike(ctx, ids, "acknowledgement superseded%"),
    db.selectFrom("workflow_annotations").select((eb) => eb.fn.countAll().as("n")).where("workflowRunId", "in", ids()).executeTakeFirst(),
    db.selectFrom("outbox_events").select((eb) => eb.fn.countAll().as("n")).where("workflowRunId", "in", ids()).where("publishedAt", "is not", null).executeTakeFirst(),
    db.selectFrom("outbox_events").select((eb) => eb.fn.countAll().as("n")).where("workflowRunId", "in", ids()).where("dlqAt", "is not", null).executeTakeFirst(),
    // Topics are workflow.<run id>.stage.<stage>, and the demo's run ids all have one length.
    db.selectFrom("ai_calls").select((eb) => eb.fn.countAll().as("n")).where("costSource", "=", "reported")
      .where(sql<string>`substr(${sql.ref("topic")}, ${"workflow.".length + 1}, ${runIds[0]?.length ?? 0})`, "in", ids()).executeTakeFirst(),
    db.selectFrom("workflow_runs").select(["definitionVersion", (eb) => eb.fn.countAll().as("n")]).where("id", "in", ids()).groupBy("definitionVersion").execute(),
  ]);
  return {
    steps: count(steps),
    stepsReplayed: count(replayed),
    acknowledgementsSuperseded: count(superseded),
    runsByVersion: Object.fromEntries(versions.map((row) => [row.definitionVersion ?? "(unpinned)", Number(row.n)])),
    annotations: count(annotations),
    outboxPublished: count(published),
    deadLetters: count(dead),
    aiCallsReported: count(reported),
  };
}

function logsLike(ctx: QueryContext, ids: () => ReturnType<QueryContext["dialect"]["valueList"]>, pattern: string) {
  return ctx.db.selectFrom("workflow_logs").select((eb) => eb.fn.countAll().as("n")).where("workflowRunId", "in", ids()).where("message", "like", pattern).executeTakeFirst();
}
