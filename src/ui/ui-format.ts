import { elapsedMs, formatCost, formatDuration } from "../format/readable-values.js";
import { html, type SafeHtml } from "./html.js";

// How values read: times in UTC (the database's), durations in their largest
// unit, statuses as words with a colour class, JSON collapsed.

export const time = (value: Date | null | undefined): SafeHtml =>
  value ? html`<time datetime="${value.toISOString()}">${value.toISOString().replace("T", " ").slice(0, 19)}</time>` : html`<span class="muted">—</span>`;

/** A time in UTC to the millisecond (log lines a few ms apart stay in order). */
export const timeMs = (value: Date | null | undefined): SafeHtml =>
  value ? html`<time datetime="${value.toISOString()}">${value.toISOString().replace("T", " ").slice(0, 23)}</time>` : html`<span class="muted">—</span>`;

export const duration = (ms: number | null | undefined): string => (ms === null || ms === undefined ? "—" : formatDuration(ms));

/** A run's or stage's duration: stored, else completed − started, else for a running one the time so far. */
export const elapsed = (record: { status: string; duration: number | null; startedAt: Date | null; completedAt: Date | null }, now = Date.now()): string =>
  duration(elapsedMs(record, record.status === "RUNNING" ? now : undefined));

export const age = (since: Date | null, now = Date.now()): string => (since ? duration(now - since.getTime()) : "—");

export const status = (value: string): SafeHtml => html`<span class="status status-${value}">${value}</span>`;

/** US dollars to the micro-dollar, as the CLI prints them. */
export const money = (value: number): string => formatCost(value);

export const count = (value: number): string => value.toLocaleString("en-US");

/** A JSON value folded into <details>, keyed so a refresh keeps it open. */
export function json(key: string, label: string, value: unknown): SafeHtml {
  if (value === null || value === undefined) return html`<p class="muted">${label}: none</p>`;
  return html`<details data-key="${key}"><summary>${label}</summary><pre><code>${JSON.stringify(value, null, 2)}</code></pre></details>`;
}

/** A link within the inspector that keeps the given query parameters. */
export function href(path: string, params: Record<string, string | undefined>): string {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value !== undefined && value !== "") query.set(key, value);
  const text = query.toString();
  return text ? `${path}?${text}` : path;
}
