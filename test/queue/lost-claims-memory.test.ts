import { afterEach, describe, expect, it, vi } from "vitest";
import { claimRecoveringLostReplies, rememberedClaimCount } from "../../src/queue/lost-claims.js";
import type { QueueContext } from "../../src/queue/queue-context.js";

// A queue remembers the ids its claims handed out, so that taking back a claim
// whose reply was lost never takes back a job a worker holds. It remembered
// them forever: a worker that never lost a claim kept every id it ever got
// (found in a profile for issue 33: a Map entry per job, about 1 µs a job and
// the heap's growth). Only a job handed out since a failed claim's window
// opened matters, so now it keeps seconds of ids, and more only while a claim
// is still running or a window waits to be taken back.

afterEach(() => vi.useRealTimers());

/** No claim of this queue is lost here, so nothing reaches a database. */
function queueState() {
  const ctx = { workerId: "w", inTransaction: false } as unknown as QueueContext;
  const claim = (ids: string[], finished: Promise<void> = Promise.resolve()) =>
    claimRecoveringLostReplies(ctx, () => finished.then(() => ids), (handed) => handed);
  return { ctx, claim };
}

describe("the ids a queue's claims handed out", () => {
  it("are forgotten seconds after they were handed out", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const { ctx, claim } = queueState();
    await claim(["a", "b", "c"]);
    vi.advanceTimersByTime(6_000);
    await claim(["d", "a"]);
    expect(rememberedClaimCount(ctx)).toBe(5);
    vi.advanceTimersByTime(6_000);
    await claim(["e"]);
    expect(rememberedClaimCount(ctx)).toBe(3); // the first claim's forgotten
    vi.advanceTimersByTime(60_000);
    await claim([]);
    expect(rememberedClaimCount(ctx)).toBe(0);
  });

  it("are kept while a claim that started before them is still running (it may yet fail)", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const { ctx, claim } = queueState();
    await claim(["before"]);
    vi.advanceTimersByTime(30_000);
    let finish!: () => void;
    const slow = claim(["slow"], new Promise<void>((resolve) => (finish = resolve)));
    await claim(["during"]);
    vi.advanceTimersByTime(60_000);
    await claim(["later"]);
    expect(rememberedClaimCount(ctx)).toBe(2); // "during" and "later"; "before" predates the slow claim
    finish();
    await slow;
    vi.advanceTimersByTime(60_000);
    await claim([]);
    expect(rememberedClaimCount(ctx)).toBe(0);
  });
});
