import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { repositoryRoot } from "../support/consumer-project.js";

// docs/observability.md shows the trace scripts/print-a-trace.ts prints: it
// must still run and print that shape (an HTTP request's trace with the
// enqueue, a worker's trace whose claim links to it, the stage and step calls).
describe("scripts/print-a-trace.ts", () => {
  it("prints the request's trace and the worker's, joined by the claim's link", { timeout: 120_000 }, async () => {
    const { stdout } = await promisify(execFile)(process.execPath, ["--import", "tsx", join(repositoryRoot, "scripts/print-a-trace.ts")], { cwd: repositoryRoot });
    const traces = stdout.split(/^trace /m).filter(Boolean);
    expect(traces).toHaveLength(2);
    expect(traces[0]).toMatch(/POST \/orders \[SERVER\][\s\S]*persistence\.withTransaction \[CLIENT\][\s\S]*queue\.enqueue \[PRODUCER\]/);
    const enqueueId = /queue\.enqueue=([0-9a-f]{8})/.exec(traces[0]!)![1];
    expect(traces[1]).toMatch(new RegExp(`queue\\.dequeue \\[CONSUMER\\].*↩ linked to ${traces[0]!.slice(0, 8)}…/${enqueueId}`));
    for (const name of ["steps.claim", "steps.update", "persistence.updateStage", "queue.complete"]) expect(traces[1]).toContain(name);
  });
});
