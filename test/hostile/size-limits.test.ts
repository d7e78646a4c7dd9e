import { describe, expect, it } from "vitest";
import { ValidationError } from "../../src/errors.js";
import { createKyselyWorkflowPersistence } from "../../src/persistence/kysely-workflow-persistence.js";
import { BACKENDS, isVolumeBackend, runInput, useBackend } from "../conformance/backends.js";

describe.each(BACKENDS)("artifact sizes on $name", (backend) => {
  const fixture = useBackend(backend);

  it.runIf(isVolumeBackend(backend))("round-trips a 10 MB artifact", { timeout: 180_000 }, async () => {
    const run = await fixture.persistence.createRun(runInput());
    const data = { rows: Array.from({ length: 100_000 }, (_, i) => ({ i, text: `row ${i} `.padEnd(90, "x") })) };
    const bytes = Buffer.byteLength(JSON.stringify(data));
    expect(bytes).toBeGreaterThan(10 * 1024 * 1024);
    await fixture.persistence.saveArtifact({ workflowRunId: run.id, key: "big", type: "ARTIFACT", data });
    expect(await fixture.persistence.loadArtifact(run.id, "big")).toEqual(data);
    expect((await fixture.persistence.listArtifacts(run.id))[0]?.size).toBe(bytes);
  });

  it.runIf(backend.kind === "kysely")("refuses an artifact over maxArtifactBytes before it reaches the database", async () => {
    const persistence = createKyselyWorkflowPersistence(fixture.db, { maxArtifactBytes: 1_024 });
    const run = await persistence.createRun(runInput());
    const before = await fixture.counts();
    const tooBig = { text: "x".repeat(2_000) };
    const error = await persistence.saveArtifact({ workflowRunId: run.id, key: "k", type: "ARTIFACT", data: tooBig }).catch((e) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.field).toBe("data.data");
    expect(error.message).toMatch(/2011 bytes of JSON; the limit is 1024 \(option maxArtifactBytes\)/);
    const output = await persistence.saveStageOutput(run.id, "t", "s", tooBig).catch((e) => e);
    expect(output).toBeInstanceOf(ValidationError);
    expect(output.field).toBe("output");
    expect(await fixture.counts()).toEqual(before);
    await persistence.saveArtifact({ workflowRunId: run.id, key: "k", type: "ARTIFACT", data: { text: "small" } });
    expect(() => createKyselyWorkflowPersistence(fixture.db, { maxArtifactBytes: 0 })).toThrow(/maxArtifactBytes/);
  });
});
