import { html } from "../html.js";
import { count, elapsed, json, money, status, time, timeMs } from "../ui-format.js";
import { FORM_TOKEN_FIELD } from "../ui-write-guard.js";
import { payloadSection } from "./payload-page.js";
import { counted } from "../../format/readable-values.js";
import type { PageContext, PageResult } from "./page-result.js";
import { stageTimeline } from "./stage-timeline.js";
import { aiCallsSection } from "./ai-calls-section.js";

const TERMINAL = new Set(["COMPLETED", "FAILED", "CANCELLED", "SKIPPED"]);

/** One run: its summary, stages as a timeline, jobs, steps, logs, annotations, events, payloads and AI calls. */
export async function runPage({ reader, liveMs, writes, formToken, params }: PageContext, runId: string): Promise<PageResult> {
  const detail = await reader.getRunDetail(runId);
  if (!detail) return { kind: "page", title: "No such run", section: "runs", status: 404, main: html`<h1>No such run</h1><p>No run has the id <code>${runId}</code>. <a href="/runs">All runs</a></p>` };
  const [jobs, models, calls] = await Promise.all([reader.listRunJobs(runId), reader.getModelCosts({ runId }), aiCallsSection(reader, runId, detail.stages, params.get("calls"))]);
  const { run } = detail;
  const now = Date.now();
  const names = new Map(detail.stages.map((stage) => [stage.id, stage.stageName]));
  const stageName = (id: string) => names.get(id) ?? id;
  const cut = (flag: boolean, what: string) => (flag ? html`<p class="muted">Only the first ${what} are shown.</p>` : "");
  const main = html`<p><a href="/runs">« Runs</a></p>
    <h1>${run.workflowName} <span class="mono muted">${run.id}</span></h1>
    <div class="cards">
      <div class="card"><div class="muted">Status</div><div class="value">${status(run.status)}</div></div>
      <div class="card"><div class="muted">Workflow</div><div class="value mono">${run.workflowId}</div><div class="muted">${run.workflowType}</div></div>
      <div class="card"><div class="muted">Created · started (UTC)</div><div>${time(run.createdAt)}</div><div>${time(run.startedAt)}</div></div>
      <div class="card"><div class="muted">Duration</div><div class="value">${elapsed(run)}</div></div>
      <div class="card"><div class="muted">Cost · tokens</div><div class="value">${money(run.totalCost)}</div><div>${count(run.totalTokens)} tokens</div></div>
      ${reader.capabilities.steps ? html`<div class="card"><div class="muted">Definition version</div><div class="value mono">${run.definitionVersion ?? "—"}</div><div>${counted(run.redriveCount, "redrive")}</div></div>` : ""}
    </div>
    ${writes && !TERMINAL.has(run.status) ? html`<form method="post" action="/runs/${encodeURIComponent(run.id)}/cancel"><input type="hidden" name="${FORM_TOKEN_FIELD}" value="${formToken}"><button type="submit">Cancel this run</button></form>` : ""}
    <h2>Stages</h2>${stageTimeline(run.id, detail.stages, jobs, detail.steps, now)}
    <h2>Jobs</h2>${jobs.length ? html`<table aria-label="Jobs"><thead><tr><th scope="col">Stage</th><th scope="col">Status</th><th scope="col" class="num">Attempt</th><th scope="col">Worker</th><th scope="col">Last error</th></tr></thead><tbody>
      ${jobs.map((j) => html`<tr><td class="mono">${j.stageId}</td><td>${status(j.status)}</td><td class="num">${j.attempt} of ${j.maxAttempts}</td><td class="mono">${j.workerId ?? "—"}</td><td>${j.lastError ?? ""}</td></tr>`)}</tbody></table>` : html`<p class="muted">No jobs.</p>`}
    ${reader.capabilities.steps ? html`<h2>Steps</h2>${detail.steps.length ? html`<table aria-label="Durable steps"><thead><tr><th scope="col">Step</th><th scope="col" class="num">Seq</th><th scope="col">Kind</th><th scope="col">Status</th><th scope="col" class="num">Attempt</th><th scope="col">Stage</th><th scope="col">Lease until</th><th scope="col">Deadline</th><th scope="col">External key</th><th scope="col">Error</th></tr></thead><tbody>
      ${detail.steps.map((s) => html`<tr><td class="mono">${s.stepId}</td><td class="num">${s.seq}</td><td>${s.kind}</td><td>${s.status}</td><td class="num">${s.attempt}</td><td>${stageName(s.stageRecordId)}</td><td>${time(s.leaseExpiresAt)}</td><td class="${s.deadlineAt && s.deadlineAt.getTime() < now && s.status !== "COMPLETED" ? "overdue" : ""}">${time(s.deadlineAt)}</td><td class="mono">${s.externalKey ?? "—"}</td><td>${s.error ?? ""}</td></tr>`)}</tbody></table>${cut(detail.truncated.steps, "steps")}` : html`<p class="muted">No steps.</p>`}` : ""}
    <h2>Payloads</h2>${payloadSection(run.id, "input", "Input", run.input)}${payloadSection(run.id, "output", "Output", run.output)}${payloadSection(run.id, "config", "Config", run.config)}${payloadSection(run.id, "metadata", "Metadata", run.metadata)}
    <h2>AI calls</h2>${models.length ? html`<table aria-label="AI calls by model"><thead><tr><th scope="col">Model</th><th scope="col" class="num">Calls</th><th scope="col" class="num">Input tokens</th><th scope="col" class="num">Output tokens</th><th scope="col" class="num">Cost</th></tr></thead><tbody>
      ${models.map((m) => html`<tr><td class="mono">${m.modelKey}</td><td class="num">${count(m.calls)}</td><td class="num">${count(m.inputTokens)}</td><td class="num">${count(m.outputTokens)}</td><td class="num">${money(m.cost)}</td></tr>`)}</tbody></table>` : html`<p class="muted">No AI calls under workflow.${run.id}.</p>`}${calls}
    <h2>Logs</h2>${detail.logs.length ? html`<table aria-label="Logs"><thead><tr><th scope="col">Time (UTC)</th><th scope="col">Stage</th><th scope="col">Level</th><th scope="col">Message</th></tr></thead><tbody>
      ${detail.logs.map((l) => html`<tr><td class="num">${timeMs(l.createdAt)}</td><td>${l.workflowStageId ? stageName(l.workflowStageId) : html`<span class="muted">run</span>`}</td><td>${l.level}</td><td>${l.message}</td></tr>`)}</tbody></table>${cut(detail.truncated.logs, "logs")}` : html`<p class="muted">No logs.</p>`}
    ${reader.capabilities.annotations ? html`<h2>Annotations</h2>${detail.annotations.length ? html`<table aria-label="Annotations"><thead><tr><th scope="col">Time (UTC)</th><th scope="col">Scope</th><th scope="col">Key</th><th scope="col">Actor</th><th scope="col">Value</th></tr></thead><tbody>
      ${detail.annotations.map((a) => html`<tr><td>${time(a.createdAt)}</td><td>${a.scope}</td><td class="mono">${a.key}</td><td>${a.actorKind ?? ""} ${a.actorId ?? ""}</td><td>${json(`annotation-${a.id}`, "value", a.value)}</td></tr>`)}</tbody></table>${cut(detail.truncated.annotations, "annotations")}` : html`<p class="muted">No annotations.</p>`}
    <h2>Events</h2>${detail.events.length ? html`<table aria-label="Outbox events"><thead><tr><th scope="col" class="num">Seq</th><th scope="col">Event</th><th scope="col">Occurred (UTC)</th><th scope="col">Published</th><th scope="col" class="num">Retries</th></tr></thead><tbody>
      ${detail.events.map((e) => html`<tr><td class="num">${e.sequence}</td><td class="mono">${e.eventType}</td><td>${time(e.occurredAt)}</td><td>${e.dlqAt ? html`<span class="overdue">dead letter</span>` : time(e.publishedAt)}</td><td class="num">${e.retryCount}</td></tr>`)}</tbody></table>${cut(detail.truncated.events, "events")}` : html`<p class="muted">No events.</p>`}` : ""}`;
  return { kind: "page", title: `${run.workflowName} (run ${run.id})`, section: "runs", main, ...(TERMINAL.has(run.status) ? {} : { liveMs }) };
}
