import { decodeCursor } from "../../console/console-cursor.js";
import type { KyselyConsoleReadPort } from "../../console/kysely-console-read-port.js";
import type { StageSummary } from "../../console/console-types.js";
import { BadRequest } from "../bad-request.js";
import { html, type SafeHtml } from "../html.js";
import { count, money, timeMs } from "../ui-format.js";

/** Calls per page of the run page's list. */
const CALLS_PER_PAGE = 50;

/**
 * A run's AI calls one by one under the by-model table: when, which stage
 * (from the engine's topic), model, tokens and cost, 50 a page (?calls= the
 * cursor where the last page ended). No prompt or response: they can be large
 * and private (kwp and the logger's listCalls have them).
 */
export async function aiCallsSection(reader: KyselyConsoleReadPort, runId: string, stages: StageSummary[], cursor: string | null): Promise<SafeHtml> {
  if (cursor !== null && decodeCursor(cursor) === null) throw new BadRequest("The AI calls' page link", "its cursor is not one this inspector wrote: open the run again");
  const page = await reader.listRunAICalls({ runId, ...(cursor ? { cursor } : {}), limit: CALLS_PER_PAGE });
  if (!page.calls.length) return cursor ? html`<p class="muted">No more AI calls. <a href="/runs/${encodeURIComponent(runId)}#ai-calls">First calls</a></p>` : html``;
  const names = new Map(stages.map((stage) => [stage.stageId, stage.stageName]));
  const base = `/runs/${encodeURIComponent(runId)}`;
  return html`<h3 id="ai-calls">Each call${cursor ? " (continued)" : ""}</h3>
    <table aria-label="AI calls"><thead><tr><th scope="col">Time (UTC)</th><th scope="col">Stage</th><th scope="col">Type</th><th scope="col">Model</th>
      <th scope="col" class="num">Input tokens</th><th scope="col" class="num">Output tokens</th><th scope="col" class="num">Cost (USD)</th></tr></thead><tbody>
    ${page.calls.map((c) => html`<tr><td class="num">${timeMs(c.createdAt)}</td><td>${c.stageId ? names.get(c.stageId) ?? c.stageId : html`<span class="muted" title="${c.topic}">run</span>`}</td>
      <td>${c.callType}</td><td class="mono">${c.modelKey}</td><td class="num">${count(c.inputTokens)}</td><td class="num">${count(c.outputTokens)}</td><td class="num">${money(c.cost)}</td></tr>`)}</tbody></table>
    <nav class="pager" aria-label="AI call pages">${cursor ? html`<a href="${base}#ai-calls">« First calls</a>` : ""}
      ${page.nextCursor ? html`<a href="${base}?calls=${encodeURIComponent(page.nextCursor)}#ai-calls" rel="next">Next ${CALLS_PER_PAGE} calls »</a>` : ""}</nav>`;
}
