// Child process: logs <count> AI calls without awaiting anything, then ends
// the way <shutdown> says, and lets the process end by itself (no process.exit):
// - "close": logger.close(), then db.destroy()
// - "destroy": only db.destroy(), the usual shutdown (the engine's interface has no close)
// - "none": nothing at all; the logger's timer flushes before the process ends
import { openDatabase } from "../../../src/database/open-database.js";
import { createKyselyAICallLogger } from "../../../src/ai-calls/kysely-ai-call-logger.js";

const [url, count, shutdown = "close"] = process.argv.slice(2);
const db = openDatabase(url!);
const logger = createKyselyAICallLogger(db, { flushIntervalMs: shutdown === "none" ? 200 : 60_000 });
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
if (shutdown === "close") await logger.close();
if (shutdown !== "none") await db.destroy();
