import type { CostBucket } from "../../console/console-types.js";
import { html, type SafeHtml } from "../html.js";
import { count, money } from "../ui-format.js";
import type { PageContext, PageResult } from "./page-result.js";

const CHART_WIDTH = 640;
const BAR = 16;

/** A horizontal bar chart of cost per bucket (SVG, labelled for screen readers by the table beside it). */
function costChart(title: string, buckets: CostBucket[]): SafeHtml {
  if (!buckets.length) return html``;
  const top = Math.max(...buckets.map((b) => b.cost), 1e-12);
  const label = 120;
  const height = buckets.length * (BAR + 6) + 4;
  return html`<svg class="chart" viewBox="0 0 ${CHART_WIDTH} ${height}" role="img" aria-label="${title}">
    ${buckets.map((b, i) => {
      const y = 2 + i * (BAR + 6);
      const w = Math.max(1, Math.round((b.cost / top) * (CHART_WIDTH - label - 90)));
      return html`<text x="0" y="${y + BAR - 4}"><title>${b.key}</title>${b.key.length > 18 ? `${b.key.slice(0, 17)}…` : b.key}</text>
        <rect class="bar" x="${label}" y="${y}" width="${w}" height="${BAR}" rx="2"></rect>
        <text x="${label + w + 6}" y="${y + BAR - 4}">${money(b.cost)}</text>`;
    })}</svg>`;
}

const table = (caption: string, buckets: CostBucket[], keyName: string) =>
  html`<table aria-label="${caption}"><thead><tr><th scope="col">${keyName}</th><th scope="col" class="num">Runs</th><th scope="col" class="num">Cost (USD)</th><th scope="col" class="num">Tokens</th></tr></thead><tbody>
    ${buckets.map((b) => html`<tr><td class="mono">${b.key}</td><td class="num">${count(b.runs)}</td><td class="num">${money(b.cost)}</td><td class="num">${count(b.tokens)}</td></tr>`)}</tbody>
    <tfoot><tr><th scope="row">Total</th><td class="num">${count(sum(buckets, "runs"))}</td><td class="num">${money(sum(buckets, "cost"))}</td><td class="num">${count(sum(buckets, "tokens"))}</td></tr></tfoot></table>`;

const sum = (buckets: CostBucket[], key: "runs" | "cost" | "tokens") => buckets.reduce((total, b) => total + b[key], 0);

/** Costs by workflow, by UTC day (the last 30 days by default) and by model, each as a chart and a table. */
export async function costsPage({ reader, params }: PageContext): Promise<PageResult> {
  const days = Math.min(3_650, Math.max(1, Number(params.get("days")) || 30));
  const from = new Date(Date.now() - days * 86_400_000);
  const [byWorkflow, byDay, byModel] = await Promise.all([
    reader.getCosts({ by: "workflow", from }),
    reader.getCosts({ by: "day", from }),
    reader.getModelCosts({ from }),
  ]);
  const models: CostBucket[] = byModel.map((m) => ({ key: m.modelKey, runs: m.calls, cost: m.cost, tokens: m.inputTokens + m.outputTokens }));
  const none = html`<p class="muted">No runs in the last ${days} days${days < 3_650 ? html`: <a href="/costs?days=3650">look back ten years</a>` : ""}.</p>`;
  const main = html`<h1>Costs <span class="muted">(US dollars)</span></h1>
    <form class="filters" method="get" action="/costs"><label>Days back<input type="number" min="1" max="3650" name="days" value="${days}"></label><button type="submit">Apply</button></form>
    <h2>By workflow</h2>${byWorkflow.length ? html`${costChart("Cost by workflow", byWorkflow)}${table("Cost by workflow", byWorkflow, "Workflow")}` : none}
    <h2>By day (UTC)</h2>${byDay.length ? html`${costChart("Cost by day", byDay)}${table("Cost by day", byDay, "Day")}` : none}
    <h2>By model</h2>${models.length ? html`${costChart("Cost by model", models)}<table aria-label="Cost by model"><thead><tr><th scope="col">Model</th><th scope="col" class="num">Calls</th><th scope="col" class="num">Input tokens</th><th scope="col" class="num">Output tokens</th><th scope="col" class="num">Cost (USD)</th></tr></thead><tbody>
      ${byModel.map((m) => html`<tr><td class="mono">${m.modelKey}</td><td class="num">${count(m.calls)}</td><td class="num">${count(m.inputTokens)}</td><td class="num">${count(m.outputTokens)}</td><td class="num">${money(m.cost)}</td></tr>`)}</tbody></table>` : html`<p class="muted">No AI calls in these days.</p>`}`;
  return { kind: "page", title: "Costs", section: "costs", main };
}
