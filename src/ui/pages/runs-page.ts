import { CONSOLE_STATUSES, type RunListFilters } from "../../console/console-types.js";
import { ValidationError } from "../../errors.js";
import { html } from "../html.js";
import { count, elapsed, href, money, status, time } from "../ui-format.js";
import type { PageContext, PageResult } from "./page-result.js";

const FILTERS = ["status", "workflowId", "workflowType", "definitionVersion", "createdAfter", "createdBefore"] as const;

/** A `YYYY-MM-DD` date input as the start of that UTC day; anything else is left to the read port to refuse. */
const day = (value: string | null) => (value ? (/^\d{4}-\d{2}-\d{2}$/.test(value) ? new Date(`${value}T00:00:00.000Z`) : (value as unknown as Date)) : undefined);

/** The runs list: filters in the URL, keyset pages, a search by id that opens the run. */
export async function runsPage({ reader, params, liveMs }: PageContext): Promise<PageResult> {
  const search = params.get("id")?.trim();
  if (search) {
    // An id that cannot be one (too long, say) finds nothing; a failed read is an error, not "no such run".
    const found = await reader.getRunDetail(search, { stepLimit: 1, annotationLimit: 1, logLimit: 1, eventLimit: 1 }).catch((error: unknown) => {
      if (error instanceof ValidationError) return null;
      throw error;
    });
    if (found) return { kind: "redirect", location: `/runs/${encodeURIComponent(search)}` };
  }
  const filters: RunListFilters = {};
  const status0 = params.get("status");
  if (status0) filters.status = [status0 as never];
  for (const key of ["workflowId", "workflowType", "definitionVersion"] as const) {
    const value = params.get(key);
    if (value) filters[key] = value;
  }
  const after = day(params.get("createdAfter"));
  const before = day(params.get("createdBefore"));
  if (after) filters.createdAfter = after;
  if (before) filters.createdBefore = before;
  const cursor = params.get("cursor") ?? undefined;
  const kept = Object.fromEntries(FILTERS.map((key) => [key, params.get(key) ?? undefined]));

  let body;
  try {
    const page = await reader.listRuns({ filters, ...(cursor ? { cursor } : {}), limit: 50 });
    const rows = page.runs.map(
      (run) => html`<tr>
        <td><a class="mono" href="/runs/${encodeURIComponent(run.id)}">${run.id}</a></td>
        <td>${run.workflowName}<div class="muted mono">${run.workflowId}</div></td>
        <td>${status(run.status)}</td>
        <td>${time(run.createdAt)}</td>
        <td class="num">${elapsed(run)}</td>
        <td class="num">${money(run.totalCost)}</td>
        <td class="num">${count(run.totalTokens)}</td>
        ${reader.capabilities.steps ? html`<td class="mono">${run.definitionVersion ?? "—"}${run.redriveCount ? html` <span class="badge">+${run.redriveCount}</span>` : ""}</td>` : ""}
      </tr>`,
    );
    body = html`
      <table aria-label="Runs"><thead><tr><th scope="col">Run</th><th scope="col">Workflow</th><th scope="col">Status</th><th scope="col">Created (UTC)</th>
        <th scope="col" class="num">Duration</th><th scope="col" class="num">Cost</th><th scope="col" class="num">Tokens</th>
        ${reader.capabilities.steps ? html`<th scope="col">Version</th>` : ""}</tr></thead>
      <tbody>${rows.length ? rows : html`<tr><td colspan="8" class="muted">No runs match.</td></tr>`}</tbody></table>
      <div class="pager">${cursor ? html`<a href="${href("/runs", kept)}">« First page</a>` : ""}
        ${page.nextCursor ? html`<a href="${href("/runs", { ...kept, cursor: page.nextCursor })}" rel="next">Next page »</a>` : html`<span class="muted">End of the list</span>`}</div>`;
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    body = html`<p class="error" role="alert">${error.message}</p>`;
  }
  const selected = params.get("status") ?? "";
  const main = html`<h1>Runs</h1>
    <form class="filters" method="get" action="/runs" role="search">
      <label>Run id<input name="id" value="${search ?? ""}" placeholder="open a run by id"></label>
      <label>Status<select name="status"><option value="">any</option>${CONSOLE_STATUSES.map((s) => html`<option${s === selected ? html` selected` : ""}>${s}</option>`)}</select></label>
      <label>Workflow id<input name="workflowId" value="${params.get("workflowId") ?? ""}"></label>
      <label>Workflow type<input name="workflowType" value="${params.get("workflowType") ?? ""}"></label>
      ${reader.capabilities.steps ? html`<label>Definition version<input name="definitionVersion" value="${params.get("definitionVersion") ?? ""}"></label>` : ""}
      <label>Created from<input type="date" name="createdAfter" value="${params.get("createdAfter") ?? ""}"></label>
      <label>Created before<input type="date" name="createdBefore" value="${params.get("createdBefore") ?? ""}"></label>
      <button type="submit">Apply</button> <a href="/runs">Clear</a>
    </form>
    ${search ? html`<p class="error" role="alert">No run has the id ${search}.</p>` : ""}
    ${body}`;
  // The first page follows new runs live; a later page stays put.
  return { kind: "page", title: "Runs", section: "runs", main, ...(cursor ? {} : { liveMs }) };
}
