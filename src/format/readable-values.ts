// How numbers read wherever a person reads them (the CLI, its --json, the
// inspector, the demo's summary), so the same run shows the same figures in
// each: costs in US dollars to the micro-dollar, durations in their largest
// units without ever reading "60 s", counts with their nouns agreeing.

/** Costs are US dollars (the engine's `cost` is "authoritative USD cost"), shown to this many decimals. */
export const COST_DECIMALS = 6;

/** A cost rounded to the micro-dollar, as a number (JSON): sums of floats lose their noise, not their value. */
export function roundCost(usd: number): number {
  const rounded = Math.round(usd * 10 ** COST_DECIMALS) / 10 ** COST_DECIMALS;
  return rounded === 0 ? 0 : rounded; // never -0
}

/** `$0.004405`, `$1,234.500000`, `-$0.010000` (a credit). */
export function formatCost(usd: number): string {
  const rounded = roundCost(usd);
  const digits = Math.abs(rounded).toLocaleString("en-US", { minimumFractionDigits: COST_DECIMALS, maximumFractionDigits: COST_DECIMALS });
  return `${rounded < 0 ? "-" : ""}$${digits}`;
}

/** `850 ms`, `12.3 s`, `8 min 5 s`, `2 h 0 min`; negative spans (a skewed clock) keep their sign. */
export function formatDuration(ms: number): string {
  if (ms < 0) return `-${formatDuration(-ms)}`;
  if (ms < 999.5) return `${Math.round(ms)} ms`;
  const tenths = Math.round(ms / 100);
  if (tenths < 600) return `${(tenths / 10).toFixed(1)} s`;
  const seconds = Math.round(ms / 1000);
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ${seconds % 60} s`;
  const minutes = Math.round(ms / 60_000);
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

/** What a run or stage took: its stored duration, else completed − started; `running` ones the time so far (given `now`). */
export function elapsedMs(
  record: { duration?: number | null; startedAt: Date | null; completedAt: Date | null },
  now?: number,
): number | null {
  if (record.duration !== null && record.duration !== undefined) return record.duration;
  if (!record.startedAt) return null;
  if (record.completedAt) return record.completedAt.getTime() - record.startedAt.getTime();
  return now === undefined ? null : now - record.startedAt.getTime();
}

/** `1 job row`, `3 job rows`; `plural` when adding "s" is wrong. */
export function counted(n: number, singular: string, plural = `${singular}s`): string {
  return `${n.toLocaleString("en-US")} ${n === 1 ? singular : plural}`;
}

/** "is" or "are", agreeing with `n`. */
export const isAre = (n: number) => (n === 1 ? "is" : "are");
