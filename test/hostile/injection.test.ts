import { sql } from "kysely";
import { describe, expect, it } from "vitest";
import { BACKENDS, runInput, stageInput, useBackend } from "../conformance/backends.js";

/** Strings that would change a statement if anything concatenated them into SQL. */
const HOSTILE = [
  "it's",
  'say "hi"',
  "back\\slash\\",
  "100%_done",
  "a;b",
  "x'); drop table workflow_runs; --",
  '"; delete from job_queue; --',
  "$1 $2 ? :name",
  "ünïcødé 😀",
];

describe.each(BACKENDS)("values are stored and matched literally on $name", (backend) => {
  const fixture = useBackend(backend);

  it.each(HOSTILE)("%j as run id, stage id, artifact key, worker id, topic and batch id", async (text) => {
    const p = fixture.persistence;
    const run = await p.createRun(runInput({ id: `run ${text}`, workflowName: text, workflowType: text, input: { text } }));
    expect((await p.getRun(run.id))?.workflowName).toBe(text);
    const stage = await p.createStage(stageInput(run.id, text, { stageName: text }));
    expect((await p.getStage(run.id, text))?.id).toBe(stage.id);
    expect(await p.getStageIdForArtifact(run.id, text)).toBe(stage.id);
    await p.saveArtifact({ workflowRunId: run.id, key: text, type: "ARTIFACT", data: text });
    expect(await p.loadArtifact(run.id, text)).toBe(text);
    expect(await p.hasArtifact(run.id, `${text}x`)).toBe(false);
    const outputKey = await p.saveStageOutput(run.id, text, text, { text });
    expect(await p.loadArtifact(run.id, outputKey)).toEqual({ text });
    await p.createLog({ workflowRunId: run.id, level: "INFO", message: text, metadata: { text } });

    const queue = fixture.jobQueue({ workerId: text, listen: false });
    const jobId = await queue.enqueue({ workflowRunId: run.id, stageId: text, payload: { text } });
    const job = await queue.dequeue();
    expect(job).toMatchObject({ jobId, stageId: text, payload: { text } });
    await queue.fail(jobId, text, false);

    const logger = fixture.aiCallLogger();
    await logger.logBatchResults(text, [
      { topic: text, callType: text, modelKey: text, modelId: text, prompt: text, response: text, inputTokens: 1, outputTokens: 2, cost: 0.5 },
    ]);
    expect(await logger.isRecorded(text)).toBe(true);
    expect(await logger.isRecorded(`${text}%`)).toBe(false);
    expect((await logger.getStats(text)).perModel).toEqual({ [text]: { calls: 1, inputTokens: 1, outputTokens: 2, cost: 0.5 } });
    await logger.close();

    // Everything is still there: nothing was executed.
    expect(await fixture.counts()).toMatchObject({ workflow_runs: 1, workflow_stages: 1, workflow_artifacts: 2, workflow_logs: 1, job_queue: 1, ai_calls: 1 });
    const stored = await fixture.db.selectFrom("job_queue").select(["workerId", "lastError"]).executeTakeFirst();
    expect(stored).toEqual({ workerId: text, lastError: text });
  });

  it.runIf(backend.kind === "kysely")("metadata keys name real columns, however odd their names", async () => {
    const column = `odd "name" ;-- %_\\`;
    await sql`alter table workflow_runs add column ${sql.id(column)} text`.execute(fixture.db);
    try {
      const run = await fixture.persistence.createRun(runInput({ metadata: { [column]: "value'; --" } }));
      const row = await fixture.db.selectFrom("workflow_runs").select(sql.ref(column).as("odd")).where("id", "=", run.id).executeTakeFirst();
      expect(row).toEqual({ odd: "value'; --" });
    } finally {
      await sql`alter table workflow_runs drop column ${sql.id(column)}`.execute(fixture.db);
    }
  });
});
