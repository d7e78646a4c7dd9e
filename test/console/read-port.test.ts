import { sql, type Kysely } from "kysely";
import { describe, expect, it } from "vitest";
import { decodeCursor, encodeCursor } from "../../src/console/console-cursor.js";
import type { ConsoleReadPort } from "../../src/console/console-types.js";
import type { ContractVersion } from "../../src/database/migrations/contract-versions.js";
import { formatSqliteDate } from "../../src/dialects/sqlite/sqlite-codecs.js";
import { SchemaMismatchError, ValidationError } from "../../src/errors.js";
import { BACKENDS, useBackend, type BackendFixture } from "../conformance/backends.js";

// The console read port (the engine's ConsoleReadPort) on every backend and
// every contract's schema: the same cases through Kysely and through Prisma.

const CONTRACTS: ContractVersion[] = ["0.1", "0.12", "1.0"];
// Every contract on the direct backends and Prisma 7; the other backends
// (Prisma 6, the DML-only role, PgBouncer) on 1.0, the schema with every table.
const everyContract = (name: string) => (name.startsWith("kysely/") && !name.includes(" ")) || name.startsWith("prisma7/");
const CASES = BACKENDS.flatMap((backend) =>
  (everyContract(backend.name) ? CONTRACTS : (["1.0"] as ContractVersion[])).map((contract) => [`${backend.name} on ${contract}`, backend, contract] as const),
);
const T0 = new Date("2026-03-01T10:00:00.000Z");
const at = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);

/** Sets a timestamp column directly (SQLite stores the canonical text). */
async function stamp(fixture: BackendFixture, table: string, id: string, column: string, value: Date) {
  const stored = fixture.database.databaseType === "sqlite" ? formatSqliteDate(value) : value;
  await sql`update ${sql.table(table)} set ${sql.ref(column)} = ${stored} where id = ${id}`.execute(fixture.db as Kysely<any>);
}

describe.each(CASES)(
  "the console read port: %s",
  (_name, backend, contract) => {
    const fixture = useBackend(backend, contract);
    const from012 = contract !== "0.1";
    const p = () => fixture.persistence as any;
    const newRun = async (overrides: Record<string, unknown> = {}) =>
      p().createRun({ workflowId: "wf", workflowName: "W", workflowType: "t", input: { n: 1 }, ...overrides });
    const reader = (): ConsoleReadPort => fixture.consoleReader();

    it("refuses, on first read, a database older than the contract it was made for, naming the option", async () => {
      if (contract === "1.0") return;
      const newer = fixture.consoleReader({ contract: "1.0" } as never);
      expect(newer.capabilities.steps).toBe(true);
      const error = await newer.listRuns({}).then(() => undefined, (e: unknown) => e);
      expect(error).toBeInstanceOf(SchemaMismatchError);
      expect((error as Error).message).toContain(`pass { contract: "${contract}" }`);
      // The same port made for the database's own contract (or an older one) reads.
      expect((await reader().listRuns({})).runs).toEqual([]);
    });

    it("says what the schema serves", async () => {
      expect((await reader()).capabilities).toEqual({
        runs: true,
        steps: contract === "1.0",
        annotations: from012,
        queue: true,
        suspended: true,
        deadLetters: from012,
        workers: true,
        costs: true,
      });
    });

    it("pages runs newest first across equal createdAt values, each run once, with filters", async () => {
      const ids: string[] = [];
      for (let i = 0; i < 7; i++) {
        const run = await newRun({ workflowId: i < 5 ? "wf" : "other", workflowType: i % 2 ? "odd" : "even" });
        await stamp(fixture, "workflow_runs", run.id, "createdAt", i < 6 ? T0 : at(5)); // six share one createdAt
        ids.push(run.id);
      }
      const port = await reader();
      const seen: string[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const page = await port.listRuns({ limit: 3, ...(cursor ? { cursor } : {}) });
        seen.push(...page.runs.map((r) => r.id));
        cursor = page.nextCursor ?? undefined;
        pages++;
      } while (cursor);
      expect(pages).toBe(3);
      // Newest first; within one createdAt, id descending.
      expect(seen).toEqual([ids[6], ...ids.slice(0, 6).sort().reverse()]);

      const first = (await port.listRuns({})).runs[0]!;
      expect(first).toEqual({
        id: ids[6],
        createdAt: at(5),
        updatedAt: expect.any(Date),
        workflowId: "other",
        workflowName: "W",
        workflowType: "even",
        status: "PENDING",
        startedAt: null,
        completedAt: null,
        duration: null,
        totalCost: 0,
        totalTokens: 0,
        priority: 5,
        definitionVersion: null,
        redriveCount: 0,
      });
      expect(Object.keys(first)).not.toContain("input");

      const only = async (filters: object) => (await port.listRuns({ filters })).runs.map((r) => r.id).sort();
      await p().updateRun(ids[1], { status: "FAILED" });
      expect(await only({ status: ["FAILED"] })).toEqual([ids[1]]);
      expect(await only({ status: ["FAILED", "PENDING"] })).toHaveLength(7);
      expect(await only({ workflowId: "other" })).toEqual([ids[5], ids[6]].sort());
      expect(await only({ workflowType: "odd", workflowId: "wf" })).toEqual([ids[1], ids[3]].sort());
      expect(await only({ createdAfter: at(1) })).toEqual([ids[6]]);
      expect(await only({ createdBefore: at(1) })).toHaveLength(6);
      expect(await only({ definitionVersion: "v1" })).toEqual([]);
      // A cursor written by the console's own format pages here too.
      const manual = Buffer.from(`${at(5).toISOString()}|${ids[6]}`, "utf8").toString("base64url");
      expect((await port.listRuns({ cursor: manual, limit: 1 })).runs[0]!.id).toBe([...ids.slice(0, 6)].sort().reverse()[0]);
      expect(decodeCursor(encodeCursor({ createdAt: T0, id: "a|b" }))).toEqual({ createdAt: T0, id: "a|b" });
    });

    it("lists a run's AI calls one by one (listRunAICalls), oldest first, paged, with the stage its topic names", async () => {
      const run = await newRun();
      const other = await newRun();
      const logger = fixture.aiCallLogger() as any;
      const call = (topic: string, modelKey: string, cost: number) => ({ topic, callType: "text", modelKey, modelId: `x/${modelKey}`, prompt: "secret prompt", response: "r", inputTokens: 10, outputTokens: 2, cost });
      await logger.logBatchResults("b1", [call(`workflow.${run.id}.stage.extract`, "fast", 0.001), call(`workflow.${run.id}.stage.extract.retry`, "fast", 0.002), call(`workflow.${run.id}.summary`, "big", 0.01)]);
      await logger.logBatchResults("b2", [call(`workflow.${other.id}.stage.extract`, "fast", 0.5)]);
      await logger.close?.();
      const port = (await reader()) as any;
      const first = await port.listRunAICalls({ runId: run.id, limit: 2 });
      expect(first.calls).toHaveLength(2);
      expect(first.nextCursor).not.toBeNull();
      const rest = await port.listRunAICalls({ runId: run.id, limit: 2, cursor: first.nextCursor });
      expect(rest.nextCursor).toBeNull();
      const all = [...first.calls, ...rest.calls];
      expect(all.map((c: any) => c.cost).sort()).toEqual([0.001, 0.002, 0.01]);
      expect(all.map((c: any) => c.stageId).sort()).toEqual(["extract", "extract", null].sort());
      expect(all.every((c: any) => !("prompt" in c) && !("response" in c))).toBe(true);
      expect(new Set(all.map((c: any) => c.id)).size).toBe(3);
      await expect(port.listRunAICalls({ runId: run.id, cursor: "not a cursor" })).rejects.toThrow(ValidationError);
    });

    it("opens one JSON column of a run's stage (getStagePayload): its value, null when empty, undefined for another run's stage", async () => {
      const run = await newRun();
      const other = await newRun();
      const stage = await p().createStage({ workflowRunId: run.id, stageId: "s", stageName: "S", stageNumber: 1, executionGroup: 1 });
      await p().updateStage(stage.id, { outputData: { rows: [1, 2, 3], text: "é" } });
      const port = (await reader()) as any;
      expect(await port.getStagePayload(run.id, stage.id, "outputData")).toEqual({ rows: [1, 2, 3], text: "é" });
      expect(await port.getStagePayload(run.id, stage.id, "suspendedState")).toBeNull();
      expect(await port.getStagePayload(other.id, stage.id, "outputData")).toBeUndefined();
      await expect(port.getStagePayload(run.id, stage.id, "id\" from x; --")).rejects.toThrow(ValidationError);
    });

    it("says why each of a page's runs failed (listRunErrors): the first stage to finish with an error", async () => {
      const failed = await newRun();
      const later = await p().createStage({ workflowRunId: failed.id, stageId: "b", stageName: "Charge", stageNumber: 2, executionGroup: 2 });
      const early = await p().createStage({ workflowRunId: failed.id, stageId: "a", stageName: "Extract", stageNumber: 1, executionGroup: 1 });
      await p().updateStage(later.id, { status: "FAILED", errorMessage: "card declined", completedAt: at(2) });
      await p().updateStage(early.id, { status: "FAILED", errorMessage: "timeout", completedAt: at(1) });
      const clean = await newRun();
      const port = (await reader()) as any;
      const errors = await port.listRunErrors([failed.id, clean.id, "no-such-run"]);
      expect([...errors.entries()]).toEqual([[failed.id, { stageName: "Extract", errorMessage: "timeout" }]]);
      expect((await port.listRunErrors([])).size).toBe(0);
      await expect(port.listRunErrors(Array.from({ length: 201 }, (_, i) => `r${i}`))).rejects.toThrow(ValidationError);
    });

    it("finds runs by the first characters of their id (findRunsByIdPrefix): literal, case-sensitive, byte order, bounded", async () => {
      for (const id of ["ord-2", "ord-1", "ord_3", "orda", "Ord-4", "or%5", "ordinal\u{10FFFF}x", "x-ord-6"]) await newRun({ id });
      const port = (await reader()) as any;
      const ids = async (prefix: string, limit?: number) => (await port.findRunsByIdPrefix(prefix, limit)).map((run: any) => run.id);
      expect(await ids("ord-")).toEqual(["ord-1", "ord-2"]);
      // '-' (0x2D) < '_' (0x5F) < 'a' (0x61): byte order, whatever the database's collation.
      expect(await ids("ord")).toEqual(["ord-1", "ord-2", "ord_3", "orda", "ordinal\u{10FFFF}x"]);
      expect(await ids("ord", 2)).toEqual(["ord-1", "ord-2"]);
      expect(await ids("or%")).toEqual(["or%5"]); // % and _ are themselves
      expect(await ids("ord_")).toEqual(["ord_3"]);
      expect(await ids("Ord")).toEqual(["Ord-4"]);
      expect(await ids("ordinal\u{10FFFF}")).toEqual(["ordinal\u{10FFFF}x"]);
      expect(await ids("nothing")).toEqual([]);
      const [found] = await port.findRunsByIdPrefix("orda");
      expect(found).toMatchObject({ id: "orda", workflowName: "W", status: "PENDING" });
      await expect(port.findRunsByIdPrefix("")).rejects.toThrow(ValidationError);
      await expect(port.findRunsByIdPrefix("")).rejects.toThrow(/prefix/);
    });

    it("pages back from any page to the start (listNewerRuns), across equal createdAt values, with filters", async () => {
      const ids: string[] = [];
      for (let i = 0; i < 8; i++) {
        const run = await newRun({ workflowId: i < 7 ? "wf" : "other" });
        await stamp(fixture, "workflow_runs", run.id, "createdAt", i < 5 ? T0 : at(i)); // five share one createdAt
        ids.push(run.id);
      }
      const port = (await reader()) as any;
      const forward: string[][] = [];
      const cursors: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await port.listRuns({ filters: { workflowId: "wf" }, limit: 3, ...(cursor ? { cursor } : {}) });
        forward.push(page.runs.map((r: any) => r.id));
        cursor = page.nextCursor ?? undefined;
        if (cursor) cursors.push(cursor);
      } while (cursor);
      expect(forward.map((page) => page.length)).toEqual([3, 3, 1]);
      // Back from the last page: the page before it is the second, then the first, then nothing newer.
      const last = forward[2]!;
      const lastKey = (id: string, createdAt: Date) => encodeCursor({ createdAt, id });
      const runOf = async (id: string) => (await port.listRuns({ filters: { workflowId: "wf" }, limit: 200 })).runs.find((r: any) => r.id === id);
      const firstOfLast = await runOf(last[0]!);
      const second = await port.listNewerRuns({ filters: { workflowId: "wf" }, cursor: lastKey(firstOfLast.id, firstOfLast.createdAt), limit: 3 });
      expect(second.runs.map((r: any) => r.id)).toEqual(forward[1]);
      expect(second.newerCursor).not.toBeNull();
      const first = await port.listNewerRuns({ filters: { workflowId: "wf" }, cursor: second.newerCursor, limit: 3 });
      expect(first.runs.map((r: any) => r.id)).toEqual(forward[0]);
      expect(first.newerCursor).toBeNull();
      await expect(port.listNewerRuns({ cursor: "not a cursor" })).rejects.toThrow(ValidationError);
      expect(ids).toContain(forward[0]![0]);
    });

    it("refuses malformed cursors and filters by name, and clamps limits", async () => {
      for (let i = 0; i < 3; i++) await newRun();
      const port = await reader();
      const refusal = async (query: unknown, field: string) => {
        const error = await port.listRuns(query as any).then(() => undefined, (e: unknown) => e);
        expect(error, field).toBeInstanceOf(ValidationError);
        expect((error as ValidationError).field).toBe(field);
      };
      const b64 = (text: string) => Buffer.from(text, "utf8").toString("base64url");
      for (const cursor of ["%%%", "", b64("no-separator"), b64("not a date|x"), b64("2026-01-01T00:00:00.000Z|"), b64("|id")]) {
        await refusal({ cursor }, "query.cursor");
      }
      await refusal({ cursor: 42 }, "query.cursor");
      await refusal({ filters: { status: ["DONE"] } }, "query.filters.status.0");
      await refusal({ filters: { createdAfter: "yesterday" } }, "query.filters.createdAfter");
      await refusal({ filters: { tenant: "x" } }, "query.filters");
      await refusal({ limit: "10" }, "query.limit");
      expect((await port.listRuns({ limit: 0 })).runs).toHaveLength(1);
      expect((await port.listRuns({ limit: 2.9 })).runs).toHaveLength(2);
      expect((await port.listRuns({ limit: Number.POSITIVE_INFINITY })).runs).toHaveLength(3);
      expect(await port.getRunDetail("")).toBeNull(); // a string like any other: no such run
      await expect(port.getRunDetail(5 as never)).rejects.toMatchObject({ field: "runId" });
      await expect(port.listRunEvents("x", 1.5)).rejects.toMatchObject({ field: "afterSequence" });
      await expect(port.getCosts({ by: "month" } as any)).rejects.toMatchObject({ field: "query.by" });
    });

    it("reads a run's detail: payloads, stages by group, logs, events, annotations and steps, cut at their limits", async () => {
      const run = await newRun({ input: { doc: "<b>x</b>" }, config: { retries: 2 }, ...(contract === "1.0" ? { definitionVersion: "v7" } : {}) });
      await p().updateRun(run.id, { status: "RUNNING", output: { ok: true } });
      const later = await p().createStage({ workflowRunId: run.id, stageId: "b", stageName: "B", stageNumber: 2, executionGroup: 2 });
      const early = await p().createStage({ workflowRunId: run.id, stageId: "a", stageName: "A", stageNumber: 1, executionGroup: 1 });
      for (let i = 0; i < 3; i++) await p().createLog({ workflowRunId: run.id, workflowStageId: early.id, level: "INFO", message: `log ${i}` });
      if (from012) {
        await p().appendOutboxEvents(
          [1, 2, 3].map((i) => ({ workflowRunId: run.id, eventType: `e${i}`, payload: { i }, causationId: run.id, occurredAt: at(i) })),
        );
        await p().appendAnnotations([{ workflowRunId: run.id, workflowStageRecordId: early.id, scope: "stage", key: "route", value: { lane: "fast" } }]);
      }
      if (contract === "1.0") {
        const ledger = fixture.stepLedger();
        for (const seq of [1, 0]) {
          await ledger.claim({ stageRecordId: early.id, stepId: `s${seq}`, seq, kind: "run", status: "running", attempt: 1, leaseExpiresAt: null, deadlineAt: null, externalKey: `key-${seq}` });
        }
      }
      const port = await reader();
      const detail = (await port.getRunDetail(run.id, { logLimit: 2, eventLimit: 2 }))!;
      expect(detail.run).toMatchObject({
        id: run.id,
        status: "RUNNING",
        input: { doc: "<b>x</b>" },
        output: { ok: true },
        config: { retries: 2 },
        metadata: null,
        definitionVersion: contract === "1.0" ? "v7" : null,
      });
      expect(detail.stages.map((s) => [s.id, s.attempt, s.status])).toEqual([
        [early.id, 0, "PENDING"],
        [later.id, 0, "PENDING"],
      ]);
      expect(detail.logs.map((l) => l.message)).toEqual(["log 0", "log 1"]);
      expect(detail.events.map((e) => [e.sequence, e.eventType])).toEqual(from012 ? [[1, "e1"], [2, "e2"]] : []);
      expect(detail.annotations.map((a) => [a.key, a.value])).toEqual(from012 ? [["route", { lane: "fast" }]] : []);
      expect(detail.steps.map((s) => [s.stepId, s.seq, s.externalKey])).toEqual(contract === "1.0" ? [["s0", 0, "key-0"], ["s1", 1, "key-1"]] : []);
      expect(detail.truncated).toEqual({ steps: false, annotations: false, logs: true, events: from012 });
      expect(await port.getRunDetail("no-such-run")).toBeNull();
      expect((await port.listRunEvents(run.id, 1)).map((e) => e.sequence)).toEqual(from012 ? [2, 3] : []);
      expect((await port.listRunEvents(run.id, 0, 1)).map((e) => e.sequence)).toEqual(from012 ? [1] : []);
    });

    it("shows queue health and the workers holding leases", async () => {
      const queue = fixture.jobQueue({ workerId: "worker-a", listen: false });
      const job = (stageId: string) => ({ workflowRunId: `run-${stageId}`, stageId, ...(from012 ? { workflowId: "wf" } : {}) });
      await queue.enqueueParallel(["s1", "s2", "s3", "s4"].map(job));
      const held = await queue.dequeue();
      const polled = await queue.dequeue();
      await queue.suspend(polled!.jobId, new Date(Date.now() - 60_000));
      const port = await reader();
      const health = await port.getQueueHealth();
      expect(health.countsByStatus).toEqual({ PENDING: 2, RUNNING: 1, SUSPENDED: 1, COMPLETED: 0, FAILED: 0, CANCELLED: 0, SKIPPED: 0 });
      expect(health.oldestPendingAt).toBeInstanceOf(Date);
      expect(health.oldestLeaseAt).toBeInstanceOf(Date);
      expect(health.overduePolls).toBe(1);
      // With the engine's `now` option, "overdue" is measured against that clock.
      const yesterday = fixture.consoleReader({ now: () => new Date(Date.now() - 86_400_000) } as never);
      expect((await yesterday.getQueueHealth()).overduePolls).toBe(0);
      // Which jobs: the overdue ones, the longest overdue first, on the same clocks.
      const third = await queue.dequeue();
      await queue.suspend(third!.jobId, new Date(Date.now() - 120_000));
      const fourth = await queue.dequeue();
      await queue.suspend(fourth!.jobId, new Date(Date.now() + 3_600_000));
      const overdue = await (port as any).listOverdueJobs();
      expect(overdue.map((j: any) => j.id)).toEqual([third!.jobId, polled!.jobId]);
      expect(overdue[0]).toEqual({ id: third!.jobId, workflowRunId: third!.workflowRunId, stageId: third!.stageId, attempt: 1, nextPollAt: expect.any(Date) });
      expect(await (port as any).listOverdueJobs(1)).toHaveLength(1);
      expect(await (yesterday as any).listOverdueJobs()).toEqual([]);
      const workers = await port.listWorkers();
      expect(workers).toEqual([{ workerId: "worker-a", runningJobs: 1, oldestLockedAt: expect.any(Date), lastSeenAt: expect.any(Date) }]);
      expect(held).not.toBeNull();
    });

    it("lists suspended stages, dead letters, and costs by workflow and by day", async () => {
      const a = await newRun({ workflowId: "alpha" });
      const b = await newRun({ workflowId: "beta" });
      const c = await newRun({ workflowId: "alpha" });
      await stamp(fixture, "workflow_runs", a.id, "createdAt", T0);
      await stamp(fixture, "workflow_runs", b.id, "createdAt", T0);
      await stamp(fixture, "workflow_runs", c.id, "createdAt", new Date("2026-03-02T23:59:59.999Z"));
      await p().updateRun(a.id, { totalCost: 0.25, totalTokens: 100 });
      await p().updateRun(b.id, { totalCost: 1.5, totalTokens: 40 });
      await p().updateRun(c.id, { totalCost: 0.5, totalTokens: 7 });
      const suspended = async (runId: string, nextPollAt: Date, pollInterval?: number) => {
        const stage = await p().createStage({ workflowRunId: runId, stageId: "wait", stageName: "Wait", stageNumber: 1, executionGroup: 1 });
        await p().updateStage(stage.id, { status: "SUSPENDED", nextPollAt, ...(pollInterval ? { pollInterval } : {}) });
        return stage;
      };
      const soon = await suspended(a.id, at(10), 1000);
      const sooner = await suspended(b.id, at(1));
      if (from012) {
        await p().appendOutboxEvents([1, 2].map((i) => ({ workflowRunId: a.id, eventType: `e${i}`, payload: {}, causationId: a.id, occurredAt: at(i) })));
        const [first] = await p().getUnpublishedOutboxEvents();
        await p().moveOutboxEventToDLQ(first.id);
      }
      const port = await reader();
      expect((await port.listSuspendedStages()).map((s) => [s.id, s.workflowId, s.pollInterval])).toEqual([
        [sooner.id, "beta", null],
        [soon.id, "alpha", 1000],
      ]);
      expect(await port.listSuspendedStages(1)).toHaveLength(1);
      const dead = await port.listDeadLetters();
      expect(dead.map((d) => [d.eventType, d.sequence])).toEqual(from012 ? [["e1", 1]] : []);
      expect(await port.getCosts({ by: "workflow" })).toEqual([
        { key: "beta", runs: 1, cost: 1.5, tokens: 40 },
        { key: "alpha", runs: 2, cost: 0.75, tokens: 107 },
      ]);
      expect(await port.getCosts({ by: "day" })).toEqual([
        { key: "2026-03-02", runs: 1, cost: 0.5, tokens: 7 },
        { key: "2026-03-01", runs: 2, cost: 1.75, tokens: 140 },
      ]);
      expect(await port.getCosts({ by: "day", from: new Date("2026-03-02T00:00:00Z"), to: new Date("2026-03-03T00:00:00Z") })).toEqual([
        { key: "2026-03-02", runs: 1, cost: 0.5, tokens: 7 },
      ]);
    });
  },
);
