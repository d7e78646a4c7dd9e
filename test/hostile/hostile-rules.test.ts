import { sql } from "kysely";
import { describe, expect, it } from "vitest";
import { ConfigurationError, TransactionAbortedError, ValidationError } from "../../src/errors.js";
import { createKyselyAICallLogger } from "../../src/ai-calls/kysely-ai-call-logger.js";
import { createKyselyWorkflowPersistence012 } from "../../src/persistence/kysely-workflow-persistence-0.12.js";
import { createKyselyJobQueue012 } from "../../src/queue/kysely-job-queue-0.12.js";
import { createKyselyBlobStore } from "../../src/blobs/kysely-blob-store.js";
import type { JobQueue, WorkflowPersistence } from "../../src/v0.12.js";
import { BACKENDS, KYSELY_BACKENDS, runInput, stageInput, useBackend } from "../conformance/backends.js";

// One test per finding of the hostile-input probe (issue 26), each on every
// backend: the rules it enforces are stated in docs/kysely-apps.md and docs/guarantees.md.

const LONE_HIGH = "x\ud800";
const LONE_LOW = "\udc00y";
const KEY_TOO_LONG = "k".repeat(801); // indexed text: 800 bytes of UTF-8
const CJK_ID = "漢".repeat(400); // 400 characters, 1,200 bytes: over an id's 1,000 bytes
const call = (overrides: Record<string, unknown> = {}) => ({
  topic: "t", callType: "c", modelKey: "m", modelId: "x/m", prompt: "p", response: "r", inputTokens: 1, outputTokens: 1, cost: 0, ...overrides,
});

/** The error `promise` rejects with (undefined when it resolves). */
const failure = (promise: Promise<unknown>) => promise.then(() => undefined, (error: unknown) => error);

async function refused(promise: Promise<unknown>, field: string): Promise<void> {
  const error = await failure(promise);
  expect(error, field).toBeInstanceOf(ValidationError);
  expect((error as ValidationError).field).toBe(field);
}

describe.each(BACKENDS)("hostile input, every time, on $name", (backend) => {
  const fixture = useBackend(backend, "0.12", { blobStore: true });
  const persistence = () => fixture.persistence as unknown as WorkflowPersistence;
  const queue = (workerId = "w") => fixture.jobQueue({ workerId, listen: false }) as unknown as JobQueue;
  const job = (workflowRunId: string, stageId: string) => ({ workflowRunId, workflowId: "wf", stageId });

  it("refuses lone surrogates in text and JSON (values and keys), before anything is written", async () => {
    const p = persistence();
    const before = await fixture.counts();
    await refused(p.createRun(runInput({ id: LONE_HIGH })), "data.id");
    await refused(p.createRun(runInput({ workflowName: LONE_LOW })), "data.workflowName");
    await refused(p.createRun(runInput({ input: { text: LONE_HIGH } })), "data.input.text");
    await refused(p.createRun(runInput({ input: { [LONE_LOW]: 1 } })), `data.input.${LONE_LOW}`);
    await refused(p.getRun(LONE_HIGH), "id");
    await refused(queue().enqueue({ ...job("r", "s"), payload: { note: LONE_HIGH } }), "options.payload.note");
    await refused(p.appendOutboxEvents([{ workflowRunId: "r", eventType: "e", payload: [LONE_LOW], causationId: "c", occurredAt: new Date() }]), "events.0.payload.0");
    expect(await fixture.counts()).toEqual(before);
  });

  it("refuses text an index cannot hold (800 bytes for keys, 1,000 for ids), the same on both databases", async () => {
    const p = persistence();
    const run = await p.createRun(runInput());
    await refused(p.createRun(runInput({ workflowId: KEY_TOO_LONG })), "data.workflowId");
    await refused(p.createRun(runInput({ id: CJK_ID })), "data.id");
    await refused(p.createStage(stageInput(run.id, KEY_TOO_LONG)), "data.stageId");
    await refused(p.saveArtifact({ workflowRunId: run.id, key: KEY_TOO_LONG, type: "ARTIFACT", data: 1 }), "data.key");
    await refused(p.appendAnnotations([{ workflowRunId: run.id, scope: "s", key: KEY_TOO_LONG, value: 1 }]), "inputs.0.key");
    await refused(queue().enqueue(job(run.id, KEY_TOO_LONG)), "options.stageId");
    await refused(fixture.blobStore().put(KEY_TOO_LONG, 1), "key");
    // At the limit: stored, and read back exactly.
    const longest = "鍵".repeat(266); // 798 bytes
    await p.saveArtifact({ workflowRunId: run.id, key: longest, type: "ARTIFACT", data: { ok: true } });
    expect(await p.loadArtifact(run.id, longest)).toEqual({ ok: true });
    // saveStageOutput composes its key of three inputs: refused when the key would not be loadable.
    await refused(p.saveStageOutput(run.id, "t".repeat(700), "s".repeat(90), 1), "workflowType");
    expect((await fixture.counts()).workflow_artifacts).toBe(1);
  });

  it("refuses dates outside years 1 to 9999 and spans beyond a century, naming the field", async () => {
    const p = persistence();
    const run = await p.createRun(runInput());
    for (const date of [new Date("0000-06-01T00:00:00Z"), new Date("+010000-01-01T00:00:00Z"), new Date(8.64e15), new Date(-8.64e15)]) {
      await refused(p.updateRun(run.id, { completedAt: date }), "data.completedAt");
      await refused(queue().enqueue({ ...job(run.id, "s"), scheduledFor: date }), "options.scheduledFor");
      await refused(p.getStuckRuns(date), "stuckSince");
    }
    await refused(queue().releaseStaleJobs(1e308), "staleThresholdMs");
    await refused(p.acquireIdempotencyKey("k", "c", { staleInProgressAfterMs: 1e300 }), "options.staleInProgressAfterMs");
    // The extremes that are allowed are stored and compared as dates.
    await p.updateRun(run.id, { completedAt: new Date("9999-12-31T23:59:59.999Z") });
    expect((await p.getRun(run.id))!.completedAt!.toISOString()).toBe("9999-12-31T23:59:59.999Z");
  });

  it("refuses objects that are not plain where an input object goes, and arguments of the wrong type", async () => {
    const p = persistence();
    const run = await p.createRun(runInput());
    const stage = await p.createStage(stageInput(run.id, "s"));
    const before = await fixture.db.selectFrom("workflow_runs").select(["id", "updatedAt", sql<number>`version`.as("version")]).execute();
    await refused(p.updateRun(run.id, new Date() as never), "data");
    await refused(p.updateStage(stage.id, new Date() as never), "data");
    await refused(p.updateStageByRunAndStageId(run.id, "s", [] as never), "data");
    await refused(p.upsertStage({ workflowRunId: run.id, stageId: "s", create: stageInput(run.id, "s"), update: new Map() as never }), "data.update");
    await refused(p.appendAnnotations([{ workflowRunId: run.id, scope: "s", key: "k", value: 1, actor: new Date() as never }]), "inputs.0.actor");
    await refused(p.acquireIdempotencyKey("k", "c", new Date() as never), "options");
    await refused(p.withTransaction(42 as never), "work");
    expect(await fixture.db.selectFrom("workflow_runs").select(["id", "updatedAt", sql<number>`version`.as("version")]).execute()).toEqual(before);
    const q = queue();
    await q.enqueue(job(run.id, "s"));
    const held = (await q.dequeue())!;
    await refused(q.fail(held.jobId, "e", "false" as never), "shouldRetry");
    for (const timeout of [Number.NaN, -1, "100", null, 2 ** 31]) await refused(q.waitForJobs(timeout as never), "timeoutMs");
    expect((await q.getJobsByWorkflowRun(run.id))[0]).toMatchObject({ status: "RUNNING", attempt: 1 });
  });

  it("refuses a bogus AbortSignal without arming a timer that fails later", async () => {
    const q = queue();
    await refused(q.waitForJobs(20, { aborted: false } as never), "signal");
    await refused(q.waitForJobs(20, "stop" as never), "signal");
    // An armed timer would throw uncaught here, and vitest would fail the run.
    await new Promise((resolve) => setTimeout(resolve, 60));
  });

  it("refuses toJSON results JSON cannot hold exactly, and stores the others as JSON.stringify would", async () => {
    const p = persistence();
    await refused(p.createRun(runInput({ input: { v: { toJSON: () => undefined } }, config: { toJSON: () => undefined } })), "data.config");
    await refused(p.createRun(runInput({ input: { toJSON: () => 1n } })), "data.input");
    await refused(p.createRun(runInput({ input: { toJSON: () => "a\u0000b" } })), "data.input");
    await refused(p.createRun(runInput({ input: { n: { toJSON: () => Number.NaN } } })), "data.input.n");
    // A toJSON that answers differently the second time: what was checked is what is stored.
    let calls = 0;
    const fickle = { toJSON: () => (calls++ === 0 ? "first" : "a\u0000second") };
    const run = await p.createRun(runInput({ input: { fickle, left: { toJSON: () => undefined }, date: new Date(0) } }));
    expect((await p.getRun(run.id))!.input).toEqual({ fickle: "first", date: "1970-01-01T00:00:00.000Z" });
  });

  it("completeMany is all or none, also inside a caller's transaction that catches its error", async () => {
    const q = queue();
    await q.enqueueParallel([job("r1", "a"), job("r1", "b")]);
    const [first, second] = [(await q.dequeue())!, (await q.dequeue())!];
    expect(await failure(q.completeMany([first.jobId, "missing"]))).toBeDefined();
    expect((await q.getJobsByWorkflowRun("r1")).map((j) => j.status)).toEqual(["RUNNING", "RUNNING"]);
    await persistence().withTransaction(async (tx) => {
      await tx.createRun(runInput({ id: "kept" }));
      expect(await failure(q.completeMany([second.jobId, "missing"]))).toBeDefined();
    });
    expect((await q.getJobsByWorkflowRun("r1")).map((j) => j.status)).toEqual(["RUNNING", "RUNNING"]);
    expect(await persistence().getRun("kept")).not.toBeNull();
    // Over the per-call limit: refused before any SQL, on both databases alike.
    await refused(q.completeMany(Array.from({ length: 40_000 }, (_, i) => `id-${i}`)), "jobIds");
    await q.completeMany([first.jobId, second.jobId]);
  });

  it("a conflict caught inside a transaction leaves it usable; the commit keeps the rest", async () => {
    const p = persistence();
    await p.createRun(runInput({ id: "taken" }));
    await p.withTransaction(async (tx) => {
      expect((await failure(tx.createRun(runInput({ id: "taken" })))) as Error).toMatchObject({ name: "ConflictError" });
      expect((await failure(tx.createStage(stageInput("no-such-run", "s")))) as Error).toMatchObject({ name: "NotFoundError" });
      await tx.createRun(runInput({ id: "after" }));
    });
    expect(await p.getRun("after")).not.toBeNull();
  });

  it("keeps the idempotency marker out of results, so a completed key always replays", async () => {
    const p = persistence();
    expect((await p.acquireIdempotencyKey("k", "c")).status).toBe("acquired");
    await refused(p.completeIdempotencyKey("k", "c", { __workflowEngineState: "in_progress" }), "result");
    await p.completeIdempotencyKey("k", "c", { __workflowEngineState: "done", value: 1 });
    expect(await p.acquireIdempotencyKey("k", "c")).toMatchObject({ status: "replay", result: { __workflowEngineState: "done", value: 1 } });
  });

  it("matches prefixes literally, also before U+10FFFF", async () => {
    const p = persistence();
    const run = await p.createRun(runInput());
    const keys = ["a\u{10FFFF}z", "a\u{10FFFF}", "a", "ab", "b"];
    await p.appendAnnotations(keys.map((key) => ({ workflowRunId: run.id, scope: "s", key, value: 1 })));
    expect((await p.listAnnotations(run.id, { keyPrefix: "a" })).map((a) => a.key).sort()).toEqual(["a", "a\u{10FFFF}", "a\u{10FFFF}z", "ab"].sort());
    expect((await p.listAnnotations(run.id, { keyPrefix: "a\u{10FFFF}" })).map((a) => a.key).sort()).toEqual(["a\u{10FFFF}", "a\u{10FFFF}z"].sort());
    const blobs = fixture.blobStore();
    for (const key of keys) await blobs.put(key, 1);
    expect((await blobs.list("a\u{10FFFF}")).sort()).toEqual(["a\u{10FFFF}", "a\u{10FFFF}z"].sort());
    const logger = fixture.aiCallLogger();
    for (const topic of keys) logger.logCall(call({ topic }));
    expect((await logger.getStats("a")).totalCalls).toBe(4);
    await logger.close();
  });

  it("one refused AI call costs only itself: the calls logged with it are stored", async () => {
    const reported: unknown[][] = [];
    const logger = fixture.aiCallLogger({ flushIntervalMs: 60_000, onError: (_error, calls) => reported.push(calls) });
    logger.logCall(call({ topic: "ok.1" }));
    logger.logCall(call({ topic: "bad", metadata: { note: LONE_HIGH } }));
    logger.logCall(call({ topic: KEY_TOO_LONG }));
    logger.logCall(call({ topic: "ok.2" }));
    await logger.flush();
    expect(reported.map((calls) => calls.map((c) => (c as { topic: string }).topic.slice(0, 3)))).toEqual([["bad"], ["kkk"]]);
    expect((await logger.getStats("ok.")).totalCalls).toBe(2);
    await logger.close();
  });
});

describe.each(KYSELY_BACKENDS)("what the database refuses, typed, on $name", (backend) => {
  const fixture = useBackend(backend, "0.12");

  it("a batch of AI calls with one the database refuses (a trigger here) stores the others", async () => {
    const db = fixture.db;
    if (backend.databaseType === "sqlite") {
      await sql`create trigger refuse_poison before insert on ai_calls when new.topic = 'poison' begin select raise(abort, 'poison call'); end`.execute(db);
    } else {
      await sql`create or replace function refuse_poison() returns trigger language plpgsql as $$ begin
        if new.topic = 'poison' then raise exception 'poison call' using errcode = 'check_violation'; end if; return new; end $$`.execute(db);
      await sql`create trigger refuse_poison before insert on ai_calls for each row execute function refuse_poison()`.execute(db);
    }
    try {
      const reported: Array<{ error: unknown; topics: string[] }> = [];
      const logger = createKyselyAICallLogger(db, {
        flushIntervalMs: 60_000,
        onError: (error, calls) => reported.push({ error, topics: calls.map((c) => c.topic) }),
      });
      for (const topic of ["a", "b", "poison", "c", "d", "e"]) logger.logCall(call({ topic: `t.${topic}` === "t.poison" ? "poison" : `t.${topic}` }));
      await logger.flush();
      expect(reported.map((r) => r.topics)).toEqual([["poison"]]);
      expect((await logger.getStats("t.")).totalCalls).toBe(5);
      await logger.close();
    } finally {
      await sql`drop trigger ${sql.raw(backend.databaseType === "sqlite" ? "refuse_poison" : "refuse_poison on ai_calls")}`.execute(db);
    }
  });

  it.runIf(backend.databaseType === "postgresql")(
    "after a statement fails inside withTransaction, later calls and the commit say TransactionAbortedError",
    async () => {
      const db = fixture.db;
      // A failure no check of the input could foresee: the database refuses a job (a trigger here).
      await sql`create or replace function refuse_boom() returns trigger language plpgsql as $$ begin
        if new."stageId" = 'boom' then raise exception 'no room for boom' using errcode = 'data_exception'; end if; return new; end $$`.execute(db);
      await sql`create trigger refuse_boom before insert on job_queue for each row execute function refuse_boom()`.execute(db);
      const persistence = createKyselyWorkflowPersistence012(db);
      const queue = createKyselyJobQueue012(db, { listen: false });
      let failed: unknown;
      const outcome = await failure(
        persistence.withTransaction(async (tx) => {
          await tx.createRun(runInput({ id: "first" }));
          failed = await failure(queue.enqueue({ workflowRunId: "first", workflowId: "wf", stageId: "boom" }));
          const later = await failure(tx.createRun(runInput({ id: "second" })));
          expect(later).toBeInstanceOf(TransactionAbortedError);
        }),
      );
      await sql`drop trigger refuse_boom on job_queue`.execute(db);
      expect(failed).toMatchObject({ name: "DatabaseError", databaseCode: "22000", operation: "enqueue" });
      // The body caught everything; the database rolled back instead of committing.
      expect(outcome).toBeInstanceOf(TransactionAbortedError);
      expect(await persistence.getRun("first")).toBeNull();
    },
  );

  it("validates every factory option when the object is made", () => {
    const db = fixture.db;
    const option = (make: () => unknown, text: RegExp) => expect(make).toThrowError(new RegExp(text.source));
    option(() => createKyselyAICallLogger(db, { maxBatchSize: 0 }), /option maxBatchSize/);
    option(() => createKyselyAICallLogger(db, { maxBatchSize: -5 }), /option maxBatchSize/);
    option(() => createKyselyAICallLogger(db, { maxBatchSize: Number.NaN }), /option maxBatchSize/);
    option(() => createKyselyAICallLogger(db, { maxBatchSize: 5_000 }), /option maxBatchSize/);
    option(() => createKyselyAICallLogger(db, { maxAttempts: 0 }), /option maxAttempts/);
    option(() => createKyselyAICallLogger(db, { onError: 5 as never }), /option onError/);
    option(() => createKyselyAICallLogger(db, { flushIntervalMs: -1 }), /option flushIntervalMs/);
    option(() => createKyselyWorkflowPersistence012(db, { staleVersionError: 42 as never }), /option staleVersionError/);
    option(() => createKyselyWorkflowPersistence012(db, { maxArtifactBytes: 0 }), /option maxArtifactBytes/);
    option(() => createKyselyWorkflowPersistence012(db, { maxArtifactByte: 5 } as never), /unknown option\(s\) "maxArtifactByte"/);
    option(() => createKyselyJobQueue012(db, { listen: "yes" } as never), /option listen/);
    option(() => createKyselyJobQueue012(db, { workerid: "w" } as never), /unknown option/);
    option(() => createKyselyBlobStore(db, { maxBlobBytes: 1.5 }), /option maxBlobBytes/);
    option(() => createKyselyWorkflowPersistence012("postgres://x" as never), /first argument must be a Kysely instance/);
    expect(() => createKyselyAICallLogger(db, { maxBatchSize: 0 })).toThrow(ConfigurationError);
  });
});
