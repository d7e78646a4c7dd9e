import type { Link, Span } from "@opentelemetry/api";
import { sql, type Kysely } from "kysely";
import { withSavepoint } from "../database/savepoint.js";
import type { QueryContext } from "../database/query-context.js";
import type { OpenTelemetry } from "./open-telemetry.js";

/**
 * How a trace crosses the queue (OpenTelemetry's messaging conventions): an
 * enqueue's span (PRODUCER, "send") leaves its span context in the opt-in
 * table kwp_job_trace_context, one row per job, in the enqueue's own
 * transaction; the span of every claim of the job (CONSUMER, "receive": the
 * first, a re-claim after a lost lease, a retry), in whatever process, links
 * to it. The job's payload is never touched. Only a recording span writes or
 * reads anything: without an SDK, or with a sampler that drops the enqueue,
 * nothing is written and a claim reads nothing.
 */
export const TRACE_CONTEXT_TABLE = "kwp_job_trace_context";

/** The table as a Prisma model, for schema.prisma beside `kwp prisma-migration --trace-context`. */
export const KWP_JOB_TRACE_CONTEXT_PRISMA_MODEL = `/// The jobs' trace context of kysely-workflow-persistence (OpenTelemetry; not part of the workflow engine's schema).
model KwpJobTraceContext {
  jobId      String  @id
  traceId    String
  spanId     String
  traceFlags Int
  traceState String?

  @@map("kwp_job_trace_context")
}
`;

/** Per database handle, once: does it have the table (migrateToLatest's traceContext option)? */
const tableOf = new WeakMap<object, Promise<boolean>>();

function hasTable(ctx: QueryContext): Promise<boolean> {
  let known = tableOf.get(ctx.handle);
  if (known === undefined) {
    known = ctx.dialect.listTables(ctx.db).then((tables) => tables.includes(TRACE_CONTEXT_TABLE));
    tableOf.set(ctx.handle, known);
    known.catch(() => tableOf.delete(ctx.handle)); // asked again on the next send
  }
  return known;
}

/** After an enqueue: the producer span's context, for each job it made. */
export async function rememberSend(ctx: QueryContext, span: Span, result: unknown): Promise<void> {
  const jobIds = typeof result === "string" ? [result] : Array.isArray(result) ? result.filter((id): id is string => typeof id === "string") : [];
  if (!span.isRecording() || jobIds.length === 0 || !(await guarded(ctx, () => hasTable(ctx)))) return;
  const { traceId, spanId, traceFlags, traceState } = span.spanContext();
  const state = traceState?.serialize() || null;
  const rows = jobIds.map((jobId) => ({ jobId, traceId, spanId, traceFlags, traceState: state }));
  const replaced = { traceId: sql.ref("excluded.traceId"), spanId: sql.ref("excluded.spanId"), traceFlags: sql.ref("excluded.traceFlags"), traceState: sql.ref("excluded.traceState") };
  await guarded(ctx, (db) =>
    db
      .insertInto(TRACE_CONTEXT_TABLE)
      .values(rows)
      .onConflict((conflict) => conflict.column("jobId").doUpdateSet(replaced))
      .execute(),
  );
}

/** After a claim: links from its span to the span that enqueued each job it handed out. */
export async function linkReceived(otel: OpenTelemetry, ctx: QueryContext, span: Span, result: unknown): Promise<void> {
  const jobs = Array.isArray(result) ? result : result === null || result === undefined ? [] : [result];
  const jobIds = jobs.map((job) => (job as { jobId?: unknown } | null)?.jobId).filter((id): id is string => typeof id === "string");
  if (!span.isRecording() || jobIds.length === 0 || !(await guarded(ctx, () => hasTable(ctx)))) return;
  const rows = await guarded(ctx, (db) =>
    db
      .selectFrom(TRACE_CONTEXT_TABLE)
      .select(["jobId", "traceId", "spanId", "traceFlags", "traceState"])
      .where("jobId", "in", ctx.dialect.valueList(jobIds))
      .execute(),
  );
  const links: Link[] = rows.map((row: any) => ({
    context: {
      traceId: String(row.traceId),
      spanId: String(row.spanId),
      traceFlags: Number(row.traceFlags),
      isRemote: true,
      ...(row.traceState ? { traceState: otel.createTraceState(String(row.traceState)) } : {}),
    },
    attributes: { "messaging.message.id": String(row.jobId) },
  }));
  if (links.length > 0) span.addLinks(links);
}

/**
 * Inside the caller's transaction, in a savepoint: should the statement fail
 * (a role without rights on the table, say), PostgreSQL's transaction is not
 * left aborted by it, and the caller's work goes on (call-spans.ts records
 * the failure on the span).
 */
function guarded<T>(ctx: QueryContext, statement: (db: Kysely<any>) => Promise<T>): Promise<T> {
  const db = ctx.db as Kysely<any>;
  return db.isTransaction ? withSavepoint(db, () => statement(db)) : statement(db);
}
