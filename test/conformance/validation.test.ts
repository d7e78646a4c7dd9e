import { describe, expect, it } from "vitest";
import { ValidationError } from "../../src/errors.js";
import type { WorkflowPersistence } from "../../src/interfaces/workflow-persistence.js";
import { BACKENDS, runInput, stageInput, useBackend } from "./backends.js";

const cyclic: Record<string, unknown> = { a: 1 };
cyclic.self = cyclic;

type Call = (p: WorkflowPersistence, ids: { runId: string; stageRowId: string }) => Promise<unknown>;
type Case = [string, Call, string];

// Each bad input must be a ValidationError naming the field, and write nothing.
const cases: Case[] = [
  ["createRun: unknown priority type", (p) => p.createRun(runInput({ priority: "high" }) as never), "data.priority"],
  ["createRun: fractional priority", (p) => p.createRun(runInput({ priority: 1.5 })), "data.priority"],
  ["createRun: priority beyond INTEGER", (p) => p.createRun(runInput({ priority: 2 ** 31 })), "data.priority"],
  ["createRun: missing workflowId", (p) => p.createRun({ workflowName: "n", workflowType: "t", input: 1 } as never), "data.workflowId"],
  ["createRun: undefined input", (p) => p.createRun(runInput({ input: undefined })), "data.input"],
  ["createRun: BigInt in input", (p) => p.createRun(runInput({ input: { n: 10n } })), "data.input.n"],
  ["createRun: function in input", (p) => p.createRun(runInput({ input: { f: () => 1 } })), "data.input.f"],
  ["createRun: cyclic input", (p) => p.createRun(runInput({ input: cyclic })), "data.input.self"],
  ["createRun: NaN in config", (p) => p.createRun(runInput({ config: { x: [1, Number.NaN] } })), "data.config.x.1"],
  ["createRun: unknown field", (p) => p.createRun(runInput({ stauts: "RUNNING" })), "data"],
  ["createRun: metadata not an object", (p) => p.createRun(runInput({ metadata: "x" })), "data.metadata"],
  ["createRun: non-object data", (p) => p.createRun(null as never), "data"],
  ["updateRun: unknown status", (p, { runId }) => p.updateRun(runId, { status: "DONE" as never }), "data.status"],
  ["updateRun: invalid date", (p, { runId }) => p.updateRun(runId, { startedAt: new Date("nope") }), "data.startedAt"],
  ["updateRun: date as string", (p, { runId }) => p.updateRun(runId, { completedAt: "2024-01-01" as never }), "data.completedAt"],
  ["updateRun: Infinity cost", (p, { runId }) => p.updateRun(runId, { totalCost: Number.POSITIVE_INFINITY }), "data.totalCost"],
  ["updateRun: fractional tokens", (p, { runId }) => p.updateRun(runId, { totalTokens: 1.5 }), "data.totalTokens"],
  ["updateRun: an id no row can have (over 1,000 bytes)", (p) => p.updateRun("i".repeat(1_001), {}), "id"],
  ["updateRun: numeric id", (p) => p.updateRun(5 as never, {}), "id"],
  ["getRunsByStatus: unknown status", (p) => p.getRunsByStatus("pending" as never), "status"],
  ["createStage: missing stageNumber", (p, { runId }) => p.createStage({ ...stageInput(runId, "x"), stageNumber: undefined } as never), "data.stageNumber"],
  ["createStage: unknown status", (p, { runId }) => p.createStage(stageInput(runId, "x", { status: "WAITING" })), "data.status"],
  ["updateStage: non-finite pollInterval", (p, { stageRowId }) => p.updateStage(stageRowId, { pollInterval: Number.NaN }), "data.pollInterval"],
  ["updateStage: invalid nextPollAt", (p, { stageRowId }) => p.updateStage(stageRowId, { nextPollAt: new Date(Number.NaN) }), "data.nextPollAt"],
  ["updateStage: a function inside an array", (p, { stageRowId }) => p.updateStage(stageRowId, { metrics: [1, () => 2] }), "data.metrics.1"],
  ["updateStage: Infinity beside an undefined field", (p, { stageRowId }) => p.updateStage(stageRowId, { metrics: { a: undefined, b: Infinity } }), "data.metrics.b"],
  [
    "upsertStage: update may not change other fields",
    (p, { runId }) =>
      p.upsertStage({ workflowRunId: runId, stageId: "x", create: stageInput(runId, "x"), update: { stageName: "y" } as never }),
    "data.update",
  ],
  ["getStagesByRun: bad orderBy", (p, { runId }) => p.getStagesByRun(runId, { orderBy: "up" as never }), "options.orderBy"],
  ["getSuspendedStages: invalid date", (p) => p.getSuspendedStages(new Date("x")), "beforeDate"],
  ["getLastCompletedStageBefore: NaN group", (p, { runId }) => p.getLastCompletedStageBefore(runId, Number.NaN), "executionGroup"],
  ["createLog: unknown level", (p, { runId }) => p.createLog({ workflowRunId: runId, level: "TRACE" as never, message: "m" }), "data.level"],
  ["createLog: missing message", (p) => p.createLog({ level: "INFO" } as never), "data.message"],
  ["saveArtifact: unknown type", (p, { runId }) => p.saveArtifact({ workflowRunId: runId, key: "k", type: "BLOB" as never, data: 1 }), "data.type"],
  ["saveArtifact: undefined data", (p, { runId }) => p.saveArtifact({ workflowRunId: runId, key: "k", type: "ARTIFACT", data: undefined }), "data.data"],
  ["saveArtifact: a key over 800 bytes", (p, { runId }) => p.saveArtifact({ workflowRunId: runId, key: "k".repeat(801), type: "ARTIFACT", data: 1 }), "data.key"],
  ["saveStageOutput: BigInt output", (p, { runId }) => p.saveStageOutput(runId, "t", "s", 1n), "output"],
];

describe.each(BACKENDS)("WorkflowPersistence input validation on $name", (backend) => {
  const fixture = useBackend(backend);

  it.each(cases.map(([what, call, field]) => [what, field, call] as const))("%s → ValidationError naming %s", async (_what, field, call) => {
    const run = await fixture.persistence.createRun(runInput());
    const stage = await fixture.persistence.createStage(stageInput(run.id, "existing"));
    const before = await fixture.counts();
    const runBefore = await fixture.persistence.getRun(run.id);
    const stageBefore = await fixture.persistence.getStageById(stage.id);

    const error = await call(fixture.persistence, { runId: run.id, stageRowId: stage.id }).then(
      () => undefined,
      (e) => e,
    );
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.field).toBe(field);
    expect(error.message).toContain(field);

    expect(await fixture.counts()).toEqual(before);
    expect(await fixture.persistence.getRun(run.id)).toEqual(runBefore);
    expect(await fixture.persistence.getStageById(stage.id)).toEqual(stageBefore);
  });
});
