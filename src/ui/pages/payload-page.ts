import type { KyselyConsoleReadPort } from "../../console/kysely-console-read-port.js";
import { NotFoundError } from "../../errors.js";
import { STAGE_PAYLOADS, type StagePayloadName } from "../../console/stage-payload.js";
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

/** Where a payload is fetched: a run's (`/runs/:id/payload/:name`) or one of its stages' (`/runs/:id/stages/:stage/:name`). */
export interface PayloadAddress {
  runId: string;
  stageRecordId?: string;
  name: string;
}

const pathOf = ({ runId, stageRecordId, name }: PayloadAddress) =>
  `/runs/${encodeURIComponent(runId)}${stageRecordId === undefined ? "/payload" : `/stages/${encodeURIComponent(stageRecordId)}`}/${name}`;
const wholeHref = (address: PayloadAddress) => `${pathOf(address)}?whole=1`;

/** The JSON text of `value` as it is shown: indented, cut at SHOWN_PAYLOAD_CHARS with a link to the rest. */
function shown(address: PayloadAddress, text: string): SafeHtml {
  if (text.length <= SHOWN_PAYLOAD_CHARS) return html`<pre><code>${text}</code></pre>`;
  return html`<pre><code>${text.slice(0, SHOWN_PAYLOAD_CHARS)}</code></pre>
    <p class="muted">Showing the first ${bytes(SHOWN_PAYLOAD_CHARS)} of ${bytes(text.length)}. <a href="${wholeHref(address)}">Open the whole value</a></p>`;
}

/**
 * A run's payload on the run page: small ones inline, large ones as a folded
 * section the script fills when it is opened (the page and each live refresh
 * stay small) and a link that works without the script.
 */
export function payloadSection(runId: string, name: PayloadName, label: string, value: unknown): SafeHtml {
  if (value === null || value === undefined) return html`<p class="muted">${label}: none</p>`;
  const text = JSON.stringify(value, null, 2);
  const address = { runId, name };
  if (text.length <= INLINE_PAYLOAD_CHARS) return html`<details data-key="${name}"><summary>${label}</summary>${shown(address, text)}</details>`;
  return html`<details data-key="${name}" data-src="${pathOf(address)}"><summary>${label} <span class="muted">(${bytes(text.length)})</span></summary>
    <div class="payload"><a href="${wholeHref(address)}">Open the whole value</a></div></details>`;
}

/** A stage's JSON column as a folded section loaded when opened (a stage's output can be large; the summaries do not carry it). */
export function stagePayloadSection(runId: string, stageRecordId: string, name: StagePayloadName, label: string): SafeHtml {
  const address = { runId, stageRecordId, name };
  return html`<details data-key="${stageRecordId}-${name}" data-src="${pathOf(address)}"><summary>${label}</summary>
    <div class="payload"><a href="${wholeHref(address)}">Open it</a></div></details>`;
}

async function payloadText(reader: KyselyConsoleReadPort, { runId, stageRecordId, name }: PayloadAddress): Promise<string> {
  if (stageRecordId !== undefined) {
    if (!(STAGE_PAYLOADS as readonly string[]).includes(name)) throw new BadRequest("The stage payload in the address", `“${name}” is none of ${STAGE_PAYLOADS.join(", ")}`);
    const value = await reader.getStagePayload(runId, stageRecordId, name as StagePayloadName);
    if (value === undefined) throw new NotFoundError("kwp ui", "stage", stageRecordId);
    return JSON.stringify(value, null, 2);
  }
  if (!(PAYLOADS as readonly string[]).includes(name)) throw new BadRequest("The payload in the address", `“${name}” is none of ${PAYLOADS.join(", ")}`);
  const detail = await reader.getRunDetail(runId, { stepLimit: 1, annotationLimit: 1, logLimit: 1, eventLimit: 1 });
  if (!detail) throw new NotFoundError("kwp ui", "run", runId);
  return JSON.stringify(detail.run[name as PayloadName] ?? null, null, 2);
}

/** GET a payload's address: the value as the opened section shows it (an HTML fragment). */
export async function payloadFragment(reader: KyselyConsoleReadPort, address: PayloadAddress): Promise<SafeHtml> {
  return shown(address, await payloadText(reader, address));
}

/** GET a payload's address with ?whole=1: the whole value as JSON. */
export const payloadWhole = (reader: KyselyConsoleReadPort, address: PayloadAddress): Promise<string> => payloadText(reader, address);
