import { describe, expect, it } from "vitest";
import { NotFoundError, ValidationError, type CreateOutboxEventInput } from "../../src/v0.12.js";
import { BACKENDS, sleep, useBackend012 } from "./fixture.js";

describe.each(BACKENDS)("0.12 transactional outbox on $name", (backend) => {
  const fixture = useBackend012(backend);

  const event = (runId: string, eventType = "stage:completed"): CreateOutboxEventInput => ({
    workflowRunId: runId,
    eventType,
    payload: { runId, at: 1 },
    causationId: "cmd-1",
    occurredAt: new Date("2026-01-02T03:04:05.678Z"),
  });

  it("numbers each run's events 1, 2, 3, … in input order, for runs that need not exist", async () => {
    const { persistence } = fixture;
    await persistence.appendOutboxEvents([event("r2", "a"), event("r1", "b"), event("r2", "c")]);
    await persistence.appendOutboxEvents([event("r1", "d"), event("r2", "e")]);
    const events = await persistence.getUnpublishedOutboxEvents();
    expect(events.map((e) => [e.workflowRunId, e.sequence, e.eventType])).toEqual([
      ["r1", 1, "b"], ["r1", 2, "d"], ["r2", 1, "a"], ["r2", 2, "c"], ["r2", 3, "e"],
    ]);
    expect(events[0]).toMatchObject({
      payload: { runId: "r1", at: 1 }, causationId: "cmd-1", occurredAt: new Date("2026-01-02T03:04:05.678Z"),
      publishedAt: null, retryCount: 0, dlqAt: null,
    });
  });

  it("lists at most `limit` (100 by default), without published or dead-lettered events", async () => {
    const { persistence } = fixture;
    await persistence.appendOutboxEvents(Array.from({ length: 120 }, () => event("r")));
    expect(await persistence.getUnpublishedOutboxEvents()).toHaveLength(100);
    const first = await persistence.getUnpublishedOutboxEvents(3);
    expect(first.map((e) => e.sequence)).toEqual([1, 2, 3]);
    await persistence.markOutboxEventsPublished([first[0]!.id, first[1]!.id, first[1]!.id]);
    await persistence.moveOutboxEventToDLQ(first[2]!.id);
    const next = await persistence.getUnpublishedOutboxEvents(2);
    expect(next.map((e) => e.sequence)).toEqual([4, 5]);
    expect(await persistence.getUnpublishedOutboxEvents(0)).toEqual([]);
    await expect(persistence.getUnpublishedOutboxEvents(-1)).rejects.toBeInstanceOf(ValidationError);
  });

  it("marks all named events published or, when one is missing, none", async () => {
    const { persistence } = fixture;
    await persistence.appendOutboxEvents([event("r"), event("r")]);
    const [a, b] = await persistence.getUnpublishedOutboxEvents();
    await expect(persistence.markOutboxEventsPublished([a!.id, "missing"])).rejects.toMatchObject({ name: "NotFoundError", id: "missing" });
    expect(await persistence.getUnpublishedOutboxEvents()).toHaveLength(2);
    await persistence.markOutboxEventsPublished([a!.id, b!.id]);
    expect(await persistence.getUnpublishedOutboxEvents()).toEqual([]);
    await persistence.markOutboxEventsPublished([]);
  });

  it("counts retries, dead-letters, and replays the longest-dead first with the count reset", async () => {
    const { persistence } = fixture;
    await persistence.appendOutboxEvents([event("r"), event("r"), event("r")]);
    const [a, b, c] = await persistence.getUnpublishedOutboxEvents();
    expect(await persistence.incrementOutboxRetryCount(a!.id)).toBe(1);
    expect(await persistence.incrementOutboxRetryCount(a!.id)).toBe(2);
    await persistence.moveOutboxEventToDLQ(b!.id);
    await sleep(15);
    await persistence.moveOutboxEventToDLQ(a!.id);
    await sleep(15);
    await persistence.moveOutboxEventToDLQ(c!.id);
    expect(await persistence.getUnpublishedOutboxEvents()).toEqual([]);
    expect(await persistence.replayDLQEvents(2)).toBe(2);
    const back = await persistence.getUnpublishedOutboxEvents();
    expect(back.map((e) => e.id).sort()).toEqual([a!.id, b!.id].sort());
    expect(back.every((e) => e.retryCount === 0 && e.dlqAt === null)).toBe(true);
    expect(await persistence.replayDLQEvents(0)).toBe(0);
    expect(await persistence.replayDLQEvents(10)).toBe(1);
    expect(await persistence.replayDLQEvents(10)).toBe(0);
  });

  it("names a missing event and refuses bad input, writing nothing", async () => {
    const { persistence } = fixture;
    await expect(persistence.incrementOutboxRetryCount("missing")).rejects.toBeInstanceOf(NotFoundError);
    await expect(persistence.moveOutboxEventToDLQ("missing")).rejects.toBeInstanceOf(NotFoundError);
    await expect(persistence.appendOutboxEvents([event("r"), { ...event("r"), occurredAt: "now" as never }])).rejects.toMatchObject({
      field: "events.1.occurredAt",
    });
    await expect(persistence.appendOutboxEvents([{ ...event("r"), payload: undefined }])).rejects.toBeInstanceOf(ValidationError);
    await expect(persistence.replayDLQEvents(-1)).rejects.toBeInstanceOf(ValidationError);
    expect(await fixture.counts()).toMatchObject({ outbox_events: 0 });
  });

  it("keeps sequences gap-free and unique when transactions append for one run at once", async () => {
    const { persistence } = fixture;
    await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        persistence.withTransaction(async (tx) => {
          await tx.appendOutboxEvents([event("shared", `t${i}.a`), event(`own-${i}`)]);
          await tx.appendOutboxEvents([event("shared", `t${i}.b`)]);
        }),
      ),
    );
    const shared = (await persistence.getUnpublishedOutboxEvents(1_000)).filter((e) => e.workflowRunId === "shared");
    expect(shared.map((e) => e.sequence)).toEqual(Array.from({ length: 16 }, (_, i) => i + 1));
  });
});
