import { html, type SafeHtml } from "./html.js";

// How values read: times in UTC (the database's), durations in their largest
// unit, statuses as words with a colour class, JSON collapsed.

export const time = (value: Date | null | undefined): SafeHtml =>
  value ? html`<time datetime="${value.toISOString()}">${value.toISOString().replace("T", " ").slice(0, 19)}</time>` : html`<span class="muted">—</span>`;

export function duration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return "—";
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms < 3_600_000) return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
  return `${Math.floor(ms / 3_600_000)} h ${Math.round((ms % 3_600_000) / 60_000)} min`;
}

export const age = (since: Date | null, now = Date.now()): string => (since ? duration(now - since.getTime()) : "—");

export const status = (value: string): SafeHtml => html`<span class="status status-${value}">${value}</span>`;

export const money = (value: number): string => (value === 0 ? "0" : value < 0.01 ? value.toFixed(6) : value.toFixed(4));

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
