import { afterEach, describe, expect, it, vi } from "vitest";
import { claimRecoveringLostReplies, rememberedClaimCount } from "../../src/queue/lost-claims.js";
import type { QueueContext } from "../../src/queue/queue-context.js";

// A queue remembers the ids its claims handed out, so that taking back a claim
// whose reply was lost never takes back a job a worker holds. It remembered
// them forever: a worker that never lost a claim kept every id it ever got
// (found in a profile for issue 33). Now ten minutes of them.

afterEach(() => vi.useRealTimers());

describe("the ids a queue's claims handed out", () => {
  it("are forgotten ten minutes after they were handed out", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    // No claim of this queue was lost, so nothing here reaches the database.
    const ctx = { workerId: "w", inTransaction: false } as unknown as QueueContext;
    const claim = (ids: string[]) => claimRecoveringLostReplies(ctx, async () => ids, (handed) => handed);
    await claim(["a", "b", "c"]);
    vi.advanceTimersByTime(6 * 60_000);
    await claim(["d", "a"]); // "a" again: remembered from now
    expect(rememberedClaimCount(ctx)).toBe(4);
    vi.advanceTimersByTime(5 * 60_000);
    await claim(["e"]);
    expect(rememberedClaimCount(ctx)).toBe(3); // b and c forgotten; a, d, e kept
    vi.advanceTimersByTime(11 * 60_000);
    await claim([]);
    expect(rememberedClaimCount(ctx)).toBe(0);
  });
});
