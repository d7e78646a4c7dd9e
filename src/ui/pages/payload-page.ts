import type { KyselyConsoleReadPort } from "../../console/kysely-console-read-port.js";
import { NotFoundError } from "../../errors.js";
import { BadRequest } from "../bad-request.js";
import { html, type SafeHtml } from "../html.js";

/** A run's JSON values the run page folds away and fetches when opened. */
export const PAYLOADS = ["input", "output", "config", "metadata"] as const;
export type PayloadName = (typeof PAYLOADS)[number];

/** Values up to this many characters show inline on the run page; larger ones load when opened. */
export const INLINE_PAYLOAD_CHARS = 2_048;
/** What an opened value shows at most; the whole value is a link away. */
export const SHOWN_PAYLOAD_CHARS = 65_536;

const bytes = (chars: number) => (chars < 1_024 ? `${chars} B` : chars < 1_048_576 ? `${(chars / 1_024).toFixed(1)} KB` : `${(chars / 1_048_576).toFixed(1)} MB`);

const wholeHref = (runId: string, name: string) => `/runs/${encodeURIComponent(runId)}/payload/${name}?whole=1`;

/** The JSON text of `value` as it is shown: indented, cut at SHOWN_PAYLOAD_CHARS with a link to the rest. */
function shown(runId: string, name: string, text: string): SafeHtml {
  if (text.length <= SHOWN_PAYLOAD_CHARS) return html`<pre><code>${text}</code></pre>`;
  return html`<pre><code>${text.slice(0, SHOWN_PAYLOAD_CHARS)}</code></pre>
    <p class="muted">Showing the first ${bytes(SHOWN_PAYLOAD_CHARS)} of ${bytes(text.length)}. <a href="${wholeHref(runId, name)}">Open the whole value</a></p>`;
}

/**
 * A run's payload on the run page: small ones inline, large ones as a folded
 * section the script fills when it is opened (the page and each live refresh
 * stay small) and a link that works without the script.
 */
export function payloadSection(runId: string, name: PayloadName, label: string, value: unknown): SafeHtml {
  if (value === null || value === undefined) return html`<p class="muted">${label}: none</p>`;
  const text = JSON.stringify(value, null, 2);
  if (text.length <= INLINE_PAYLOAD_CHARS) return html`<details data-key="${name}"><summary>${label}</summary>${shown(runId, name, text)}</details>`;
  const src = `/runs/${encodeURIComponent(runId)}/payload/${name}`;
  return html`<details data-key="${name}" data-src="${src}"><summary>${label} <span class="muted">(${bytes(text.length)})</span></summary>
    <div class="payload"><a href="${wholeHref(runId, name)}">Open the whole value</a></div></details>`;
}

async function payloadText(reader: KyselyConsoleReadPort, runId: string, name: string): Promise<string> {
  if (!(PAYLOADS as readonly string[]).includes(name)) throw new BadRequest("The payload in the address", `“${name}” is none of ${PAYLOADS.join(", ")}`);
  const detail = await reader.getRunDetail(runId, { stepLimit: 1, annotationLimit: 1, logLimit: 1, eventLimit: 1 });
  if (!detail) throw new NotFoundError("kwp ui", "run", runId);
  return JSON.stringify(detail.run[name as PayloadName] ?? null, null, 2);
}

/** GET /runs/:id/payload/:name: the value as the opened section shows it (an HTML fragment). */
export async function payloadFragment(reader: KyselyConsoleReadPort, runId: string, name: string): Promise<SafeHtml> {
  return shown(runId, name, await payloadText(reader, runId, name));
}

/** GET /runs/:id/payload/:name?whole=1: the whole value as JSON. */
export const payloadWhole = (reader: KyselyConsoleReadPort, runId: string, name: string): Promise<string> => payloadText(reader, runId, name);
