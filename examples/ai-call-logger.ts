// The AI-call ledger: log calls without waiting, read the totals of one run.
import { createKyselyAICallLogger, migrateToLatest, openDatabase } from "kysely-workflow-persistence";

const db = openDatabase(process.env.DATABASE_URL ?? "sqlite:./workflow.db");
await migrateToLatest(db);
const aiCallLogger = createKyselyAICallLogger(db, {
  flushIntervalMs: 1000,
  maxBatchSize: 500,
  onError: (error, calls) => console.error(`${calls.length} AI call(s) not stored: ${String(error)}`),
});

const runId = "run-42";
const prompt = "Summarize the attached report in three sentences.";
for (const stageId of ["extract", "summarize"]) {
  aiCallLogger.logCall({
    topic: `workflow.${runId}.stage.${stageId}`,
    callType: "text",
    modelKey: "fast-model",
    modelId: "provider/model",
    prompt,
    response: "(the model's answer)",
    inputTokens: 812,
    outputTokens: 95,
    cost: 0.00018,
    metadata: { temperature: undefined, maxTokens: 256 }, // undefined fields are left out, as JSON.stringify does
  });
}
const stats = await aiCallLogger.getStats(`workflow.${runId}.`); // { totalCalls, totalInputTokens, totalOutputTokens, totalCost, perModel }
console.log(`${stats.totalCalls} calls, ${stats.totalInputTokens + stats.totalOutputTokens} tokens, $${stats.totalCost.toFixed(5)}`);
await db.destroy(); // flushes the logger's buffer first (or: await aiCallLogger.close())
