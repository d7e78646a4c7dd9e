import { sql, type Kysely } from "kysely";
import { describe, expect, it } from "vitest";
import { consoleFeatures } from "../../src/console/console-features.js";
import type { ConsoleReader } from "../../src/console/console-rows.js";
import { consoleTotalsOf, splitAtMidnights } from "../../src/console/console-totals.js";
import { getCosts } from "../../src/console/costs.js";
import { getModelCosts } from "../../src/console/model-costs.js";
import type { ContractVersion } from "../../src/database/migrations/contract-versions.js";
import { migrateToLatest } from "../../src/database/migrations/migrate.js";
import { dialectSupportFor } from "../../src/dialects/detect-database-type.js";
import { formatSqliteDate } from "../../src/dialects/sqlite/sqlite-codecs.js";
import { createWorkflowMetrics } from "../../src/metrics/workflow-metrics.js";
import { KYSELY_BACKENDS, useBackend, type BackendFixture } from "../conformance/backends.js";

// Issue 31 item 7: the per-day totals of the optional migration console_totals
// (triggers on workflow_runs and ai_calls). Whatever is written (created
// runs, status, cost and token changes, runs moved to another day or
// workflow, deleted runs, AI calls logged, moved and deleted), the costs read
// from the totals equal the sums over the tables, for ranges cut anywhere.

const DAY = 86_400_000;
const T0 = Date.parse("2026-03-01T00:00:00.000Z");
const CASES = KYSELY_BACKENDS.flatMap((backend) => (["0.12", "1.0"] as ContractVersion[]).map((contract) => [`${backend.name} on ${contract}`, backend, contract] as const));

describe.each(CASES)("console totals: %s", (_name, backend, contract) => {
  const fixture = useBackend(backend, contract);
  const p = () => fixture.persistence as any;
  const db = () => fixture.db as Kysely<any>;
  const stored = (value: Date) => (fixture.database.databaseType === "sqlite" ? formatSqliteDate(value) : value);
  const move = (table: string, id: string, at: number) => sql`update ${sql.table(table)} set ${sql.ref("createdAt")} = ${stored(new Date(at))} where id = ${id}`.execute(db());

  async function readers(): Promise<{ fromTotals: ConsoleReader; fromTables: ConsoleReader }> {
    const dialect = dialectSupportFor(fixture.database.databaseType);
    const totals = consoleTotalsOf(await dialect.listTables(db()));
    expect(totals, "migrateToLatest applies console_totals").toBeDefined();
    const base = { db: db(), dialect, features: consoleFeatures(contract) };
    return { fromTotals: { ...base, totals }, fromTables: base };
  }

  /** Runs on 5 days (some at midnight exactly), 3 workflows, then changed, moved and deleted; AI calls the same. */
  async function write(): Promise<void> {
    const runs: Array<{ id: string }> = [];
    for (let i = 0; i < 30; i++) {
      const run = await p().createRun({ workflowId: `wf-${i % 3}`, workflowName: "W", workflowType: "t", input: {} });
      await move("workflow_runs", run.id, T0 + (i % 5) * DAY + (i % 4 === 0 ? 0 : (i * 3_600_000) % DAY));
      runs.push(run);
    }
    for (const [i, run] of runs.entries()) {
      if (i % 2 === 0) await p().updateRun(run.id, { status: "RUNNING", totalCost: i * 0.125, totalTokens: i * 10 });
      if (i % 3 === 0) await p().updateRun(run.id, { status: i % 6 === 0 ? "COMPLETED" : "FAILED", totalCost: i * 0.25, totalTokens: i * 20 });
    }
    await sql`update workflow_runs set "workflowId" = 'wf-moved' where id = ${runs[7]!.id}`.execute(db());
    await move("workflow_runs", runs[8]!.id, T0 + 9 * DAY + 1_000);
    await sql`delete from workflow_runs where id in (${runs[10]!.id}, ${runs[11]!.id})`.execute(db());

    const logger = fixture.aiCallLogger();
    const call = (modelKey: string, cost: number) => ({
      topic: `workflow.${runs[0]!.id}.stage.a`, callType: "text", modelKey, modelId: `x/${modelKey}`, prompt: "p", response: "r", inputTokens: 10, outputTokens: 5, cost,
    });
    await logger.logBatchResults("b1", [call("m1", 0.5), call("m1", 0.25), call("m2", 1), call("m3", 2)]);
    const ids = (await sql<{ id: string; modelKey: string }>`select id, "modelKey" from ai_calls order by "modelKey", cost`.execute(db())).rows;
    await move("ai_calls", ids[0]!.id, T0 + 2 * DAY + 5_000);
    await move("ai_calls", ids[1]!.id, T0 + 3 * DAY);
    await sql`delete from ai_calls where id = ${ids[3]!.id}`.execute(db());
  }

  const ranges: Array<[string, Date | undefined, Date | undefined]> = [
    ["everything", undefined, undefined],
    ["from a midnight", new Date(T0 + DAY), undefined],
    ["to a midnight", undefined, new Date(T0 + 3 * DAY)],
    ["cut mid-day at both ends", new Date(T0 + DAY + 7_200_000), new Date(T0 + 4 * DAY + 3_600_000)],
    ["inside one day", new Date(T0 + 2 * DAY + 1_000), new Date(T0 + 2 * DAY + 50_000_000)],
    ["from mid-day, open-ended", new Date(T0 + 2 * DAY + 1), undefined],
    ["empty", new Date(T0 + 40 * DAY), new Date(T0 + 41 * DAY)],
  ];

  it("costs by workflow, by day and by model read from the totals equal the sums over the tables, for every range", async () => {
    await write();
    const { fromTotals, fromTables } = await readers();
    for (const [label, from, to] of ranges) {
      for (const by of ["workflow", "day"] as const) {
        const expected = await getCosts(fromTables, { by, from, to });
        const actual = await getCosts(fromTotals, { by, from, to });
        expect(actual.map((b) => [b.key, b.runs, b.tokens]), `${label} by ${by}`).toEqual(expected.map((b) => [b.key, b.runs, b.tokens]));
        actual.forEach((bucket, i) => expect(bucket.cost, `${label} by ${by}: ${bucket.key}`).toBeCloseTo(expected[i]!.cost, 9));
      }
      const models = await getModelCosts(fromTotals, { from, to });
      expect(models, label).toEqual(await getModelCosts(fromTables, { from, to }));
    }
    expect((await getCosts(fromTotals, { by: "workflow" })).map((b) => b.key)).toContain("wf-moved");
  });

  it("metrics count runs by status and AI calls by model from the totals, as from the tables", async () => {
    await write();
    const counts = (await sql<{ status: string; n: number | string }>`select status, count(*) as n from workflow_runs group by status`.execute(db())).rows;
    const text = await createWorkflowMetrics(db()).collect();
    for (const { status, n } of counts) expect(text).toContain(`kwp_workflow_runs{status="${status}"} ${Number(n)}\n`);
    expect(text).toContain('kwp_ai_calls_total{model="m1"} 2\nkwp_ai_calls_total{model="m2"} 1\n');
    expect(text).not.toContain('model="m3"');
  });

  it("recounts after the migration runs again (a contract upgrade rebuilding tables on SQLite), and on PostgreSQL folds the changes without changing a sum", async () => {
    await write();
    const { fromTotals } = await readers();
    const before = await getCosts(fromTotals, { by: "day" });
    if (fixture.database.databaseType === "postgresql") {
      expect(Number((await sql<{ n: string }>`select count(*) as n from kwp_run_total_changes`.execute(db())).rows[0]!.n)).toBeGreaterThan(0);
      await sql`select kwp_fold_console_totals()`.execute(db());
      expect(Number((await sql<{ n: string }>`select count(*) as n from kwp_run_total_changes`.execute(db())).rows[0]!.n)).toBe(0);
      expect(await getCosts(fromTotals, { by: "day" })).toEqual(before.map((b) => ({ ...b, cost: expect.closeTo(b.cost, 9) })));
    }
    if (contract !== "0.12") return;
    // The upgrade to 1.0 rebuilds tables on SQLite (their triggers go with them)
    // and applies the optional files again: the totals are counted anew.
    await sql`delete from kwp_run_totals`.execute(db()); // wrong on purpose: the recount puts it right
    await migrateToLatest(db(), { target: "1.0" });
    expect(await getCosts(fromTotals, { by: "day" })).toEqual(before.map((b) => ({ ...b, cost: expect.closeTo(b.cost, 9) })));
    // and the triggers count again afterwards
    const run = await p().createRun({ workflowId: "wf-after", workflowName: "W", workflowType: "t", input: {} });
    await p().updateRun(run.id, { status: "COMPLETED", totalCost: 3, totalTokens: 7 });
    const { fromTables } = await readers();
    expect((await getCosts(fromTotals, { by: "workflow" })).find((b) => b.key === "wf-after")).toEqual({ key: "wf-after", runs: 1, cost: 3, tokens: 7 });
    expect((await getCosts(fromTotals, { by: "workflow" })).length).toBe((await getCosts(fromTables, { by: "workflow" })).length);
  });
});

describe("console totals on PostgreSQL after TRUNCATE", () => {
  const fixture = useBackend(KYSELY_BACKENDS.find((backend) => backend.databaseType === "postgresql")!, "1.0");
  it("empties the totals of a truncated table (TRUNCATE fires no row trigger)", async () => {
    const db = fixture.db as Kysely<any>;
    await (fixture.persistence as any).createRun({ workflowId: "wf", workflowName: "W", workflowType: "t", input: {} });
    await sql`select kwp_fold_console_totals()`.execute(db);
    await sql`truncate workflow_runs cascade`.execute(db);
    const metrics = await createWorkflowMetrics(db).collect();
    expect(metrics).toContain('kwp_workflow_runs{status="PENDING"} 0\n');
  });
});

describe("splitAtMidnights", () => {
  it("reads whole UTC days from the totals and the hours at either end from the table", () => {
    const at = (iso: string) => new Date(iso);
    expect(splitAtMidnights(at("2026-03-01T10:00:00Z"), at("2026-03-04T02:00:00Z"))).toEqual({
      days: { from: "2026-03-02", to: "2026-03-04" },
      edges: [{ from: at("2026-03-01T10:00:00Z"), to: at("2026-03-02T00:00:00Z") }, { from: at("2026-03-04T00:00:00Z"), to: at("2026-03-04T02:00:00Z") }],
    });
    expect(splitAtMidnights(at("2026-03-01T00:00:00Z"), at("2026-03-03T00:00:00Z"))).toEqual({ days: { from: "2026-03-01", to: "2026-03-03" }, edges: [] });
    expect(splitAtMidnights(at("2026-03-01T01:00:00Z"), at("2026-03-01T05:00:00Z"))).toEqual({ edges: [{ from: at("2026-03-01T01:00:00Z"), to: at("2026-03-01T05:00:00Z") }] });
    expect(splitAtMidnights(undefined, undefined)).toEqual({ days: {}, edges: [] });
  });
});
