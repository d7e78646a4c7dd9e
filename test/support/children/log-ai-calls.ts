// Child process: logs <count> AI calls without awaiting anything, closes the
// logger and lets the process end by itself (no process.exit).
import { openDatabase } from "../../../src/database/open-database.js";
import { createKyselyAICallLogger } from "../../../src/ai-calls/kysely-ai-call-logger.js";

const [url, count] = process.argv.slice(2);
const db = openDatabase(url!);
const logger = createKyselyAICallLogger(db, { flushIntervalMs: 60_000 });
for (let i = 0; i < Number(count); i++) {
  logger.logCall({
    topic: `workflow.child.stage.${i % 7}`,
    callType: "text",
    modelKey: `model-${i % 3}`,
    modelId: "provider/model",
    prompt: `prompt ${i}`,
    response: `response ${i}`,
    inputTokens: 10,
    outputTokens: 20,
    cost: 0.001,
  });
}
await logger.close();
await db.destroy();
