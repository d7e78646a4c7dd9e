import { sql } from "kysely";
import { describe, expect, it } from "vitest";
import { NotFoundError, ValidationError } from "../../src/v0.12.js";
import { BACKENDS, useBackend012 } from "./fixture.js";

describe.each(BACKENDS)("0.12 idempotency keys on $name", (backend) => {
  const fixture = useBackend012(backend);

  it("acquires once, reports in_progress, replays the completed result", async () => {
    const { persistence } = fixture;
    expect(await persistence.acquireIdempotencyKey("k", "run.create")).toEqual({ status: "acquired" });
    expect(await persistence.acquireIdempotencyKey("k", "run.create")).toEqual({ status: "in_progress" });
    expect(await persistence.acquireIdempotencyKey("k", "run.cancel")).toEqual({ status: "acquired" });
    await persistence.completeIdempotencyKey("k", "run.create", { runId: "r1", n: [1, 2] });
    expect(await persistence.acquireIdempotencyKey("k", "run.create")).toEqual({ status: "replay", result: { runId: "r1", n: [1, 2] } });
    await persistence.completeIdempotencyKey("k", "run.cancel", undefined);
    expect(await persistence.acquireIdempotencyKey("k", "run.cancel")).toEqual({ status: "replay", result: null });
  });

  it("stores the engine's in-progress marker, so rows either implementation wrote read alike", async () => {
    const { persistence, db } = fixture;
    await persistence.acquireIdempotencyKey("k", "c");
    const { rows } = await sql<{ result: unknown }>`select result from idempotency_keys`.execute(db);
    const stored = typeof rows[0]!.result === "string" ? JSON.parse(rows[0]!.result) : rows[0]!.result;
    expect(stored).toEqual({ __workflowEngineState: "in_progress" });
  });

  it("releases a key for a retry; releasing twice is harmless", async () => {
    const { persistence } = fixture;
    await persistence.acquireIdempotencyKey("k", "c");
    await persistence.releaseIdempotencyKey("k", "c");
    await persistence.releaseIdempotencyKey("k", "c");
    expect(await persistence.acquireIdempotencyKey("k", "c")).toEqual({ status: "acquired" });
  });

  it("takes over an in-progress key at least staleInProgressAfterMs old by the caller's clock, once", async () => {
    const { persistence } = fixture;
    const t0 = new Date("2026-03-01T10:00:00.000Z");
    const at = (ms: number) => new Date(t0.getTime() + ms);
    expect(await persistence.acquireIdempotencyKey("k", "c", { now: t0 })).toEqual({ status: "acquired" });
    expect(await persistence.acquireIdempotencyKey("k", "c", { now: at(59_999), staleInProgressAfterMs: 60_000 })).toEqual({ status: "in_progress" });
    expect(await persistence.acquireIdempotencyKey("k", "c", { now: at(600_000) })).toEqual({ status: "in_progress" });
    expect(await persistence.acquireIdempotencyKey("k", "c", { now: at(60_000), staleInProgressAfterMs: 60_000 })).toEqual({ status: "acquired" });
    // The takeover restarted the clock: the key is fresh again at t0 + 60 s.
    expect(await persistence.acquireIdempotencyKey("k", "c", { now: at(60_000), staleInProgressAfterMs: 60_000 })).toEqual({ status: "in_progress" });
    await persistence.completeIdempotencyKey("k", "c", "done");
    expect(await persistence.acquireIdempotencyKey("k", "c", { now: at(10_000_000), staleInProgressAfterMs: 0 })).toEqual({ status: "replay", result: "done" });
  });

  it("lets exactly one of many racing callers take a stale key over", async () => {
    const { persistence } = fixture;
    await persistence.acquireIdempotencyKey("k", "c", { now: new Date("2026-01-01T00:00:00Z") });
    const now = new Date("2026-01-02T00:00:00Z");
    const results = await Promise.all(
      Array.from({ length: 8 }, () => persistence.acquireIdempotencyKey("k", "c", { now, staleInProgressAfterMs: 60_000 })),
    );
    expect(results.filter((r) => r.status === "acquired")).toHaveLength(1);
    expect(results.filter((r) => r.status === "in_progress")).toHaveLength(7);
  });

  it("refuses bad input and completing a key nobody holds", async () => {
    const { persistence } = fixture;
    await expect(persistence.completeIdempotencyKey("k", "c", 1)).rejects.toBeInstanceOf(NotFoundError);
    await expect(persistence.acquireIdempotencyKey("x\ud800", "c")).rejects.toMatchObject({ field: "key" });
    await expect(persistence.acquireIdempotencyKey("k", "c", { staleInProgressAfterMs: Number.NaN })).rejects.toBeInstanceOf(ValidationError);
    await expect(persistence.acquireIdempotencyKey("k", "c", { now: "now" as never })).rejects.toBeInstanceOf(ValidationError);
    await persistence.acquireIdempotencyKey("k", "c");
    await expect(persistence.completeIdempotencyKey("k", "c", () => 1)).rejects.toBeInstanceOf(ValidationError);
    expect(await persistence.acquireIdempotencyKey("k", "c")).toEqual({ status: "in_progress" });
  });
});
