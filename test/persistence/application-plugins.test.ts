import { CamelCasePlugin, ParseJSONResultsPlugin, type Kysely } from "kysely";
import { afterEach, describe, expect, it } from "vitest";
import { createKyselyAICallLogger } from "../../src/ai-calls/kysely-ai-call-logger.js";
import { migrateToLatest } from "../../src/database/migrations/migrate.js";
import { createKyselyWorkflowPersistence } from "../../src/persistence/kysely-workflow-persistence.js";
import { createKyselyJobQueue } from "../../src/queue/kysely-job-queue.js";
import { createTestDatabase, DATABASE_TYPES, type TestDatabase } from "../support/test-databases.js";

// An application's own Kysely instance usually carries plugins. The library's
// queries name the spec's columns exactly and decode values themselves, so
// they run without the caller's plugins (migrations included).
describe.each(DATABASE_TYPES)("an application's Kysely with CamelCasePlugin and ParseJSONResultsPlugin on %s", (databaseType) => {
  let database: TestDatabase | undefined;
  afterEach(async () => database?.dispose());

  it("migrates and runs every interface as without plugins, values intact", async () => {
    database = await createTestDatabase[databaseType]("plugins");
    const appDb: Kysely<any> = database.open().withPlugin(new CamelCasePlugin()).withPlugin(new ParseJSONResultsPlugin());
    expect((await migrateToLatest(appDb)).applied).toEqual(["0001_init"]);

    const persistence = createKyselyWorkflowPersistence(appDb);
    // A JSON string that looks like JSON must come back as that string, not parsed by the plugin.
    const run = await persistence.createRun({ workflowId: "w", workflowName: "n", workflowType: "t", input: '{"looks":"like json"}', config: { nested: { a: [1, 2] } } });
    expect(run.createdAt).toBeInstanceOf(Date);
    const claimed = await persistence.claimNextPendingRun();
    expect(claimed).toMatchObject({ id: run.id, input: '{"looks":"like json"}', config: { nested: { a: [1, 2] } }, totalCost: 0 });
    const stage = await persistence.upsertStage({ workflowRunId: run.id, stageId: "s", create: { stageName: "S", stageNumber: 1, executionGroup: 1 }, update: {} });
    await persistence.updateStage(stage.id, { outputData: "[1,2]", status: "COMPLETED" });
    expect((await persistence.getStagesByRun(run.id))[0]).toMatchObject({ outputData: "[1,2]", workflowRunId: run.id, executionGroup: 1 });
    await persistence.saveArtifact({ workflowRunId: run.id, key: "k", type: "ARTIFACT", data: { ok: true } });
    expect(await persistence.listArtifacts(run.id)).toMatchObject([{ key: "k", data: { ok: true }, workflowRunId: run.id }]);

    const queue = createKyselyJobQueue(appDb, { workerId: "app", listen: false });
    const jobId = await queue.enqueue({ workflowRunId: run.id, stageId: "s", payload: { text: "{}" } });
    expect(await queue.dequeue()).toMatchObject({ jobId, workflowRunId: run.id, stageId: "s", payload: { text: "{}" } });
    await queue.complete(jobId);
    expect((await queue.getQueueStats()).COMPLETED).toBe(1);

    const logger = createKyselyAICallLogger(appDb);
    await logger.logBatchResults("b1", [{ topic: "t.1", callType: "c", modelKey: "m", modelId: "x/m", prompt: "p", response: "r", inputTokens: 1, outputTokens: 2, cost: 0.5 }]);
    expect(await logger.isRecorded("b1")).toBe(true);
    expect((await logger.getStats("t.")).perModel).toEqual({ m: { calls: 1, inputTokens: 1, outputTokens: 2, cost: 0.5 } });
    await logger.close();
  });
});
