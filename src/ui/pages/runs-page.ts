import { CONSOLE_STATUSES, type ConsoleStatus, type RunListFilters, type RunSummary } from "../../console/console-types.js";
import { ValidationError } from "../../errors.js";
import { decodeCursor, encodeCursor } from "../../console/console-cursor.js";
import { BadRequest } from "../bad-request.js";
import { html } from "../html.js";
import { count, elapsed, href, money, status, time } from "../ui-format.js";
import type { PageContext, PageResult } from "./page-result.js";
import type { RunError } from "../../console/run-errors.js";

const FILTERS = ["status", "workflowId", "workflowType", "definitionVersion", "createdAfter", "createdBefore"] as const;

const LABELS: Record<(typeof FILTERS)[number], string> = {
  status: "Status",
  workflowId: "Workflow id",
  workflowType: "Workflow type",
  definitionVersion: "Definition version",
  createdAfter: "Created from",
  createdBefore: "Created before",
};

/** A date field's `YYYY-MM-DD` as the start of that UTC day; anything else is a 400 naming the field. */
function day(params: URLSearchParams, key: "createdAfter" | "createdBefore"): Date | undefined {
  const value = params.get(key);
  if (!value) return undefined;
  const date = /^\d{4}-\d{2}-\d{2}$/.test(value) ? new Date(`${value}T00:00:00.000Z`) : new Date(Number.NaN);
  if (Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== value) throw new BadRequest(LABELS[key], `“${value}” is not a date: give one as YYYY-MM-DD, like 2026-12-07`);
  return date;
}

/** The filters of the address, read as the form wrote them; a value none of the form's could be is a 400 naming its field. */
function readFilters(params: URLSearchParams): RunListFilters {
  const filters: RunListFilters = {};
  const wanted = params.get("status");
  if (wanted) {
    if (!(CONSOLE_STATUSES as readonly string[]).includes(wanted)) throw new BadRequest(LABELS.status, `“${wanted}” is not a status: use one of ${CONSOLE_STATUSES.join(", ")}`);
    filters.status = [wanted as ConsoleStatus];
  }
  for (const key of ["workflowId", "workflowType", "definitionVersion"] as const) {
    const value = params.get(key);
    if (value) filters[key] = value;
  }
  const after = day(params, "createdAfter");
  const before = day(params, "createdBefore");
  if (after) filters.createdAfter = after;
  if (before) filters.createdBefore = before;
  return filters;
}

/** The last characters of a run id: UUIDv7 ids made the same hour share their first ones. */
const shortId = (id: string) => (id.length > 13 ? `…${id.slice(-12)}` : id);

/** The runs list: filters in the URL, keyset pages, a search by id that opens the run. */
export async function runsPage({ reader, params, liveMs }: PageContext): Promise<PageResult> {
  // A form sent with empty fields (?id=&status=&…) is the same list as one without them: keep the address short.
  if ([...params].some(([, value]) => value === "")) return { kind: "redirect", location: href("/runs", Object.fromEntries(params)) };
  const search = params.get("id")?.trim();
  let matches: RunSummary[] = [];
  if (search) {
    // An id that cannot be one (too long, say) finds nothing; a failed read is an error, not "no such run".
    const found = await reader.getRunDetail(search, { stepLimit: 1, annotationLimit: 1, logLimit: 1, eventLimit: 1 }).catch((error: unknown) => {
      if (error instanceof ValidationError) return null;
      throw error;
    });
    if (found) return { kind: "redirect", location: `/runs/${encodeURIComponent(search)}` };
    // Not a whole id: the runs whose id starts with it (an index range, at most 20 and one more to say so).
    matches = await reader.findRunsByIdPrefix(search, 21).catch((error: unknown) => {
      if (error instanceof ValidationError) return [];
      throw error;
    });
    if (matches.length === 1) return { kind: "redirect", location: `/runs/${encodeURIComponent(matches[0]!.id)}` };
  }
  const filters = readFilters(params);
  const cursor = params.get("cursor") ?? undefined;
  const kept = Object.fromEntries(FILTERS.map((key) => [key, params.get(key) ?? undefined]));

  const before = params.get("before") ?? undefined;
  for (const link of [cursor, before]) {
    if (link !== undefined && decodeCursor(link) === null) throw new BadRequest("The page link", "its cursor is not one this inspector wrote: go back to the first page");
  }
  let body;
  try {
    // Keyset pages both ways: ?cursor= the runs older than a row (next), ?before= those newer (previous).
    const page = before
      ? await reader.listNewerRuns({ filters, cursor: before, limit: 50 }).then((newer) => ({ runs: newer.runs, nextCursor: null as string | null, newerCursor: newer.newerCursor, older: true }))
      : await reader.listRuns({ filters, ...(cursor ? { cursor } : {}), limit: 50 }).then((older) => ({ ...older, newerCursor: null as string | null, older: false }));
    // No run newer than the link's row any more (the list is where it started): the first page.
    if (before && !page.runs.length) return { kind: "redirect", location: href("/runs", kept) };
    const first = page.runs[0];
    const last = page.runs[page.runs.length - 1];
    const keyOf = (run: typeof first) => encodeCursor({ createdAt: run!.createdAt, id: run!.id });
    // After a ?before= page the older runs always follow (the page came from one of them).
    const next = before ? (last ? keyOf(last) : null) : page.nextCursor;
    const previous = before ? page.newerCursor : cursor && first ? keyOf(first) : null;
    const failed = page.runs.filter((run) => run.status === "FAILED").map((run) => run.id);
    const errors = failed.length ? await reader.listRunErrors(failed) : new Map<string, RunError>();
    const rows = page.runs.map(
      (run) => html`<tr>
        <td><a href="/runs/${encodeURIComponent(run.id)}" aria-label="${run.workflowName}, run ${run.id}">${run.workflowName}</a><div class="muted mono">${run.workflowId}</div></td>
        <td>${status(run.status)}${errors.has(run.id) ? html`<div class="run-error" title="${errors.get(run.id)!.stageName}: ${errors.get(run.id)!.errorMessage}">${errors.get(run.id)!.stageName}: ${errors.get(run.id)!.errorMessage}</div>` : ""}</td>
        <td>${time(run.createdAt)}</td>
        <td class="num">${elapsed(run)}</td>
        <td class="num">${money(run.totalCost)}</td>
        <td class="num">${count(run.totalTokens)}</td>
        ${reader.capabilities.steps ? html`<td class="mono">${run.definitionVersion ?? "—"}${run.redriveCount ? html` <span class="badge">+${run.redriveCount}</span>` : ""}</td>` : ""}
        <td class="mono nowrap" title="${run.id}">${shortId(run.id)}</td>
      </tr>`,
    );
    body = html`
      <table aria-label="Runs"><thead><tr><th scope="col">Workflow</th><th scope="col">Status</th><th scope="col">Created (UTC)</th>
        <th scope="col" class="num">Duration</th><th scope="col" class="num">Cost</th><th scope="col" class="num">Tokens</th>
        ${reader.capabilities.steps ? html`<th scope="col">Version</th>` : ""}<th scope="col">Run id</th></tr></thead>
      <tbody>${rows.length ? rows : html`<tr><td colspan="8" class="muted">No runs match.</td></tr>`}</tbody></table>
      <nav class="pager" aria-label="Pages">${cursor || before ? html`<a href="${href("/runs", kept)}">« First page</a>` : ""}
        ${previous ? html`<a href="${href("/runs", { ...kept, before: previous })}" rel="prev">‹ Previous page</a>` : ""}
        ${next ? html`<a href="${href("/runs", { ...kept, cursor: next })}" rel="next">Next page »</a>` : html`<span class="muted">End of the list</span>`}</nav>`;
  } catch (error) {
    if (error instanceof ValidationError) throw new BadRequest(LABELS[error.field.split(".").pop() as (typeof FILTERS)[number]] ?? "A filter", error.message);
    throw error;
  }
  const selected = params.get("status") ?? "";
  const main = html`<h1>Runs</h1>
    <form class="filters" method="get" action="/runs" role="search">
      <label>Run id<input name="id" value="${search ?? ""}" placeholder="an id, or its first characters"></label>
      <label>Status<select name="status"><option value="">any</option>${CONSOLE_STATUSES.map((s) => html`<option${s === selected ? html` selected` : ""}>${s}</option>`)}</select></label>
      <label>Workflow id<input name="workflowId" value="${params.get("workflowId") ?? ""}"></label>
      <label>Workflow type<input name="workflowType" value="${params.get("workflowType") ?? ""}"></label>
      ${reader.capabilities.steps ? html`<label>Definition version<input name="definitionVersion" value="${params.get("definitionVersion") ?? ""}"></label>` : ""}
      <label>Created from<input type="date" name="createdAfter" value="${params.get("createdAfter") ?? ""}"></label>
      <label>Created before<input type="date" name="createdBefore" value="${params.get("createdBefore") ?? ""}"></label>
      <button type="submit">Apply</button> <a href="/runs">Clear</a>
    </form>
    ${search ? prefixMatches(search, matches) : ""}
    ${body}`;
  // The first page follows new runs live; a later page stays put.
  return { kind: "page", title: "Runs", section: "runs", main, ...(cursor || before ? {} : { liveMs }) };
}

/** What an id search found when no run has that id: the runs whose id starts with it, or none. */
function prefixMatches(search: string, matches: readonly RunSummary[]) {
  if (matches.length === 0) return html`<p class="error" role="alert">No run's id is or starts with ${search}.</p>`;
  const shown = matches.slice(0, 20);
  return html`<section aria-label="Runs whose id starts with ${search}"><h2>Runs whose id starts with <span class="mono">${search}</span></h2>
    <ul class="id-matches">${shown.map((run) => html`<li><a class="mono" href="/runs/${encodeURIComponent(run.id)}">${run.id}</a> ${run.workflowName} ${status(run.status)} <span class="muted nowrap">${time(run.createdAt)}</span></li>`)}</ul>
    ${matches.length > shown.length ? html`<p class="muted">More runs start with it: type more of the id.</p>` : ""}</section>`;
}
