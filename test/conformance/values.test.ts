import { sql } from "kysely";
import { describe, expect, it } from "vitest";
import { BACKENDS, runInput, stageInput, useBackend } from "./backends.js";

// Values survive the round trip exactly, and are stored the way Prisma stores them.
describe.each(BACKENDS)("WorkflowPersistence values on $name", (backend) => {
  const fixture = useBackend(backend);

  const jsonValues: Array<[string, unknown]> = [
    ["a nested object", { a: { b: { c: [1, { d: null }] } }, e: "f" }],
    ["an array", [1, "two", false, null, [], {}]],
    ["unicode", { text: "héllo wörld – 日本語 😀", "ключ": "значение" }],
    ["numbers", { int: 42, negative: -7, float: 0.1 + 0.2, big: 1e300, small: 5e-324, max: Number.MAX_SAFE_INTEGER }],
    ["null", null],
    ["a string that looks like JSON", '{"a":1}'],
    ["a numeric string", "123"],
    ["a bare number", 3.5],
    ["a bare integer", 12],
    ["true", true],
    ["an empty object", {}],
    ["an empty string", ""],
    ["quotes and backslashes", { q: "it's \"quoted\" \\ back\\slash \n newline" }],
  ];

  it.each(jsonValues)("round-trips %s through every JSON column", async (_what, value) => {
    const run = await fixture.persistence.createRun(runInput({ input: value, config: value }));
    await fixture.persistence.updateRun(run.id, { output: value });
    const read = (await fixture.persistence.getRun(run.id))!;
    expect(read.input).toEqual(value);
    expect(read.config).toEqual(value);
    // SQL NULL and JSON null both read as null: the record type cannot tell them apart.
    expect(read.output).toEqual(value);
    await fixture.persistence.saveArtifact({ workflowRunId: run.id, key: "k", type: "ARTIFACT", data: value });
    expect(await fixture.persistence.loadArtifact(run.id, "k")).toEqual(value);
    const stage = await fixture.persistence.createStage(stageInput(run.id, "s", { inputData: value }));
    expect(stage.inputData).toEqual(value);
  });

  // A SQLite JSONB column has NUMERIC affinity: the JSON text '3.5' is stored as
  // a REAL, which Prisma's raw-result decoder rejects. Every method that reads
  // such a row must still work (and a write must never commit and then fail).
  it("reads a bare float written as a run's input, through every method that returns the run", async () => {
    const run = await fixture.persistence.createRun(runInput({ input: 3.5, config: 0.1 + 0.2 }));
    expect(run.input).toBe(3.5);
    expect(run.config).toBe(0.30000000000000004);
    const claimed = await fixture.persistence.claimNextPendingRun();
    expect(claimed).toMatchObject({ id: run.id, status: "RUNNING", input: 3.5 });
    expect((await fixture.persistence.getRunsByStatus("RUNNING")).map((r) => r.input)).toEqual([3.5]);
    const stage = await fixture.persistence.upsertStage({
      workflowRunId: run.id, stageId: "s", create: { stageName: "S", stageNumber: 1, executionGroup: 1, inputData: 2.25 }, update: {},
    });
    expect(stage.inputData).toBe(2.25);
    await fixture.persistence.updateStage(stage.id, { outputData: 1.5, metrics: -0.5 });
    expect((await fixture.persistence.getStagesByRun(run.id))[0]).toMatchObject({ inputData: 2.25, outputData: 1.5, metrics: -0.5 });
    await fixture.persistence.saveArtifact({ workflowRunId: run.id, key: "f", type: "ARTIFACT", data: 7.75, metadata: 1.25 });
    expect(await fixture.persistence.loadArtifact(run.id, "f")).toBe(7.75);
    expect((await fixture.persistence.listArtifacts(run.id))[0]).toMatchObject({ data: 7.75, metadata: 1.25 });
  });

  // The engine leaves optional fields undefined (`{ ok, message: ok ? undefined : "…" }`,
  // `metadata: { temperature: options.temperature }`): stored as JSON.stringify and Prisma
  // store them, the property left out and an array element as null.
  it("stores undefined inside JSON as JSON.stringify does, in every JSON column", async () => {
    const given = { ok: true, message: undefined, nested: { counter: undefined, n: 1 }, list: [1, undefined, 3] };
    const stored = { ok: true, nested: { n: 1 }, list: [1, null, 3] };
    const run = await fixture.persistence.createRun(runInput({ input: given, config: given }));
    await fixture.persistence.updateRun(run.id, { output: given });
    const read = (await fixture.persistence.getRun(run.id))!;
    expect([read.input, read.config, read.output]).toEqual([stored, stored, stored]);

    const stage = await fixture.persistence.createStage(stageInput(run.id, "s", { inputData: given, config: given }));
    await fixture.persistence.updateStage(stage.id, {
      outputData: given,
      metrics: { tokens: 3, customMetrics: { unset: undefined } },
      suspendedState: given,
      resumeData: given,
      embeddingInfo: given,
    });
    const stageRead = (await fixture.persistence.getStageById(stage.id))!;
    for (const field of ["inputData", "config", "outputData", "suspendedState", "resumeData", "embeddingInfo"] as const) {
      expect(stageRead[field], field).toEqual(stored);
    }
    expect(stageRead.metrics).toEqual({ tokens: 3, customMetrics: {} });

    await fixture.persistence.saveArtifact({ workflowRunId: run.id, key: "k", type: "ARTIFACT", data: given, metadata: given });
    expect(await fixture.persistence.loadArtifact(run.id, "k")).toEqual(stored);
    await fixture.persistence.createLog({ workflowRunId: run.id, level: "INFO", message: "m", metadata: given });
    await fixture.persistence.saveStageOutput(run.id, "type-a", "s", given);
    const outputKey = `workflow-v2/type-a/${run.id}/s/output.json`;
    expect(await fixture.persistence.loadArtifact(run.id, outputKey)).toEqual(stored);
  });

  it("keeps Dates to the millisecond and floats exactly", async () => {
    const run = await fixture.persistence.createRun(runInput());
    const startedAt = new Date("1999-12-31T23:59:59.999Z");
    const completedAt = new Date("2038-01-19T03:14:07.001Z");
    await fixture.persistence.updateRun(run.id, { startedAt, completedAt, totalCost: 123.456789012345 });
    const read = (await fixture.persistence.getRun(run.id))!;
    expect(read.startedAt).toEqual(startedAt);
    expect(read.completedAt).toEqual(completedAt);
    expect(read.totalCost).toBe(123.456789012345);
  });

  it("stores timestamps as UTC, as Prisma does", async () => {
    const run = await fixture.persistence.createRun(runInput());
    await fixture.persistence.updateRun(run.id, { startedAt: new Date("2024-01-02T03:04:05.678Z") });
    const { rows } = await sql<{ value: string }>`
      select cast("startedAt" as text) as value from workflow_runs where id = ${run.id}`.execute(fixture.db);
    expect(rows[0]!.value).toBe(
      backend.databaseType === "postgresql" ? "2024-01-02 03:04:05.678" : "2024-01-02T03:04:05.678+00:00",
    );
  });

  it.runIf(backend.databaseType === "sqlite")("reads every SQLite date format Prisma may have written", async () => {
    const run = await fixture.persistence.createRun(runInput());
    const formats: Array<[unknown, string]> = [
      ["2024-01-02T03:04:05.678+00:00", "2024-01-02T03:04:05.678Z"],
      ["2024-01-02T05:04:05.678+02:00", "2024-01-02T03:04:05.678Z"],
      ["2024-01-02 03:04:05", "2024-01-02T03:04:05.000Z"],
      [1704164645678, "2024-01-02T03:04:05.678Z"],
      ["1704164645678", "2024-01-02T03:04:05.678Z"],
    ];
    for (const [stored, expected] of formats) {
      await sql`update workflow_runs set "startedAt" = ${stored} where id = ${run.id}`.execute(fixture.db);
      expect((await fixture.persistence.getRun(run.id))!.startedAt!.toISOString()).toBe(expected);
    }
  });

  it("enum values are stored as their labels", async () => {
    const run = await fixture.persistence.createRun(runInput());
    await fixture.persistence.updateRun(run.id, { status: "CANCELLED" });
    const { rows } = await sql<{ value: string }>`
      select cast("status" as text) as value from workflow_runs where id = ${run.id}`.execute(fixture.db);
    expect(rows[0]!.value).toBe("CANCELLED");
  });
});
