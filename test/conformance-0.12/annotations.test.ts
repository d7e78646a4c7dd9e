import { describe, expect, it } from "vitest";
import { NotFoundError, ValidationError, type CreateAnnotationInput } from "../../src/v0.12.js";
import { BACKENDS, runInput, sleep, stageInput, useBackend012 } from "./fixture.js";

describe.each(BACKENDS)("0.12 annotations on $name", (backend) => {
  const fixture = useBackend012(backend);

  const annotation = (runId: string, overrides: Partial<CreateAnnotationInput> = {}): CreateAnnotationInput => ({
    workflowRunId: runId,
    scope: "run",
    key: "trigger.source",
    value: "api",
    ...overrides,
  });

  it("appends and lists with every field, defaults filled in", async () => {
    const { persistence } = fixture;
    const run = await persistence.createRun(runInput());
    const stage = await persistence.createStage(stageInput(run.id, "s1"));
    await persistence.appendAnnotations([
      annotation(run.id),
      annotation(run.id, {
        workflowStageRecordId: stage.id,
        attempt: 2,
        scope: "stage",
        scopeId: "s1",
        actor: { kind: "agent", id: "planner", version: "1.2" },
        key: "decision.route",
        value: ["a", "b"],
        payload: { reasoning: "long" },
        idempotencyKey: "k1",
        emitEvent: true,
      }),
    ]);
    const listed = await persistence.listAnnotations(run.id);
    expect(listed).toHaveLength(2);
    expect(listed[0]).toMatchObject({
      workflowRunId: run.id, workflowStageRecordId: null, attempt: 0, scope: "run", scopeId: null, actorKind: null,
      actorId: null, actorVersion: null, key: "trigger.source", value: "api", payload: null, idempotencyKey: null,
    });
    expect(listed[0]!.createdAt).toBeInstanceOf(Date);
    expect(listed[1]).toMatchObject({
      workflowStageRecordId: stage.id, attempt: 2, scope: "stage", scopeId: "s1", actorKind: "agent", actorId: "planner",
      actorVersion: "1.2", key: "decision.route", value: ["a", "b"], payload: { reasoning: "long" }, idempotencyKey: "k1",
    });
  });

  it("skips duplicates of (run, key, idempotencyKey), within a batch too, and keeps a caller's transaction usable", async () => {
    const { persistence } = fixture;
    const run = await persistence.createRun(runInput());
    await persistence.appendAnnotations([annotation(run.id, { idempotencyKey: "i", value: 1 })]);
    await persistence.withTransaction(async (tx) => {
      await tx.appendAnnotations([
        annotation(run.id, { idempotencyKey: "i", value: 2 }),
        annotation(run.id, { idempotencyKey: "j", value: 3 }),
        annotation(run.id, { idempotencyKey: "j", value: 4 }),
      ]);
      await tx.updateRun(run.id, { totalTokens: 1 }); // would fail in an aborted PostgreSQL transaction
    });
    // Without a key, no deduplication: NULLs are distinct.
    await persistence.appendAnnotations([annotation(run.id, { value: 5 }), annotation(run.id, { value: 5 })]);
    const values = (await persistence.listAnnotations(run.id)).map((a) => a.value);
    expect(values).toEqual([1, 3, 5, 5]);
    expect((await persistence.getRun(run.id))!.totalTokens).toBe(1);
  });

  it("AND-s every filter; keyPrefix is literal and case-sensitive; limit defaults to 1,000", async () => {
    const { persistence } = fixture;
    const run = await persistence.createRun(runInput());
    const other = await persistence.createRun(runInput());
    await persistence.appendAnnotations([
      annotation(run.id, { key: "a.b", scope: "stage", scopeId: "s1", actor: { kind: "agent", id: "x" }, attempt: 1 }),
      annotation(run.id, { key: "a_b", scope: "run" }),
      annotation(run.id, { key: "A.b", scope: "run", actor: { kind: "user", id: "x" } }),
      annotation(run.id, { key: "a%", scope: "run" }),
      annotation(other.id, { key: "a.b" }),
    ]);
    const keys = async (filters: Parameters<typeof persistence.listAnnotations>[1]) =>
      (await persistence.listAnnotations(run.id, filters)).map((a) => a.key);
    expect(await keys({ keyPrefix: "a." })).toEqual(["a.b"]);
    expect(await keys({ keyPrefix: "a_" })).toEqual(["a_b"]);
    expect(await keys({ keyPrefix: "a%" })).toEqual(["a%"]);
    expect(await keys({ key: "a.b" })).toEqual(["a.b"]);
    expect(await keys({ key: "a.b", keyPrefix: "A" })).toEqual([]);
    expect(await keys({ scope: "run", actorId: "x" })).toEqual(["A.b"]);
    expect(await keys({ scopeId: "s1" })).toEqual(["a.b"]);
    expect(await keys({ scopeId: null, scope: "run" })).toEqual(["a_b", "A.b", "a%"]);
    expect(await keys({ actorKind: "agent" })).toEqual(["a.b"]);
    expect(await keys({ attempt: 1 })).toEqual(["a.b"]);
    expect(await keys({ attempt: 0, limit: 2 })).toEqual(["a_b", "A.b"]);

    await sleep(20);
    const between = new Date();
    await sleep(20);
    await persistence.appendAnnotations([annotation(run.id, { key: "late" })]);
    expect(await keys({ since: between })).toEqual(["late"]);
    expect(await keys({ until: between })).toHaveLength(4);

    await persistence.appendAnnotations(Array.from({ length: 1_001 }, (_, i) => annotation(run.id, { key: `bulk.${i}` })));
    expect(await persistence.listAnnotations(run.id)).toHaveLength(1_000);
  });

  it("writes a batch over one statement's size inside withTransaction, and rolls all of it back with it", async () => {
    const { persistence } = fixture;
    const run = await persistence.createRun(runInput());
    const batch = Array.from({ length: 1_001 }, (_, i) => annotation(run.id, { key: `k${i}` }));
    await expect(
      persistence.withTransaction(async (tx) => {
        await tx.appendAnnotations(batch);
        throw new Error("roll back");
      }),
    ).rejects.toThrow("roll back");
    expect(await persistence.listAnnotations(run.id)).toEqual([]);
    await persistence.withTransaction((tx) => tx.appendAnnotations(batch));
    expect(await persistence.listAnnotations(run.id, { limit: 2_000 })).toHaveLength(1_001);
  });

  it("orders rows written in one statement by insertion (createdAt, then id)", async () => {
    const { persistence } = fixture;
    const run = await persistence.createRun(runInput());
    await persistence.appendAnnotations(Array.from({ length: 20 }, (_, i) => annotation(run.id, { key: `k${i}` })));
    expect((await persistence.listAnnotations(run.id)).map((a) => a.key)).toEqual(Array.from({ length: 20 }, (_, i) => `k${i}`));
  });

  it("refuses bad input and missing references, writing nothing", async () => {
    const { persistence } = fixture;
    const run = await persistence.createRun(runInput());
    await expect(persistence.appendAnnotations([annotation(run.id), annotation(run.id, { key: "k".repeat(801) })])).rejects.toMatchObject({
      field: "inputs.1.key",
    });
    await expect(persistence.appendAnnotations([annotation(run.id, { value: undefined })])).rejects.toBeInstanceOf(ValidationError);
    await expect(persistence.appendAnnotations([annotation(run.id), annotation("missing-run")])).rejects.toBeInstanceOf(NotFoundError);
    await expect(persistence.appendAnnotations([annotation(run.id, { workflowStageRecordId: "missing-stage" })])).rejects.toBeInstanceOf(NotFoundError);
    await expect(persistence.listAnnotations(run.id, { limit: -1 })).rejects.toMatchObject({ field: "filters.limit" });
    await expect(persistence.listAnnotations(run.id, { colour: "red" } as never)).rejects.toBeInstanceOf(ValidationError);
    expect(await fixture.counts()).toMatchObject({ workflow_annotations: 0 });
    await persistence.appendAnnotations([]);
  });
});
