import { CONSOLE_STATUSES } from "../../console/console-types.js";
import { counted } from "../../format/readable-values.js";
import { html } from "../html.js";
import { FORM_TOKEN_FIELD } from "../ui-write-guard.js";
import { age, count, duration, time } from "../ui-format.js";
import type { PageContext, PageResult } from "./page-result.js";

/** Queue health (jobs by status, the oldest waiting job and lease, overdue polls) and the workers holding leases. */
export async function queuePage({ reader, liveMs }: PageContext): Promise<PageResult> {
  const [health, workers, overdue] = await Promise.all([reader.getQueueHealth(), reader.listWorkers(), reader.listOverdueJobs(50)]);
  const now = Date.now();
  const main = html`<h1>Queue &amp; workers</h1>
    <div class="cards">${CONSOLE_STATUSES.map((s) => html`<div class="card"><div class="muted">${s}</div><div class="value">${count(health.countsByStatus[s])}</div></div>`)}</div>
    <table aria-label="Queue health"><tbody>
      <tr><th scope="row">Oldest PENDING job</th><td>${time(health.oldestPendingAt)} <span class="muted">(waiting ${age(health.oldestPendingAt, now)})</span></td></tr>
      <tr><th scope="row">Oldest lease held</th><td>${time(health.oldestLeaseAt)} <span class="muted">(held ${age(health.oldestLeaseAt, now)})</span></td></tr>
      <tr><th scope="row">Overdue polls</th><td class="${health.overduePolls ? "overdue" : ""}">${count(health.overduePolls)}${health.overduePolls ? html` <a href="#overdue">(which)</a>` : ""}</td></tr>
    </tbody></table>
    ${overdue.length
      ? html`<h2 id="overdue">Overdue polls</h2><table aria-label="Overdue polls"><thead><tr><th scope="col">Run</th><th scope="col">Stage</th><th scope="col" class="num">Attempt</th><th scope="col">Poll was due (UTC)</th></tr></thead><tbody>
        ${overdue.map((j) => html`<tr><td><a class="mono" href="/runs/${encodeURIComponent(j.workflowRunId)}">${j.workflowRunId}</a></td><td class="mono">${j.stageId}</td><td class="num">${j.attempt}</td>
          <td class="overdue">${time(j.nextPollAt)} <span class="badge">overdue ${age(j.nextPollAt, now)}</span></td></tr>`)}</tbody></table>${health.overduePolls > overdue.length ? html`<p class="muted">The ${overdue.length} longest overdue of ${count(health.overduePolls)}.</p>` : ""}`
      : ""}
    <h2>Workers</h2>
    ${workers.length
      ? html`<table aria-label="Workers"><thead><tr><th scope="col">Worker</th><th scope="col" class="num">Running jobs</th><th scope="col">Oldest lease</th><th scope="col">Last heartbeat</th></tr></thead><tbody>
        ${workers.map((w) => html`<tr><td class="mono">${w.workerId}</td><td class="num">${w.runningJobs}</td><td>${time(w.oldestLockedAt)}</td><td>${age(w.lastSeenAt, now)} ago</td></tr>`)}</tbody></table>`
      : html`<p class="muted">No worker holds a job (a worker shows here while it runs one).</p>`}`;
  return { kind: "page", title: "Queue", section: "queue", main, liveMs };
}

/** SUSPENDED stages, the next to poll first; those past their poll time are marked overdue. */
export async function suspendedPage({ reader, liveMs }: PageContext): Promise<PageResult> {
  const stages = await reader.listSuspendedStages(200);
  const now = Date.now();
  const main = html`<h1>Suspended stages</h1>
    ${stages.length
      ? html`<table aria-label="Suspended stages"><thead><tr><th scope="col">Run</th><th scope="col">Workflow</th><th scope="col">Stage</th><th scope="col" class="num">Attempt</th><th scope="col">Next poll (UTC)</th><th scope="col">Poll every</th><th scope="col">Wait until</th></tr></thead><tbody>
        ${stages.map((s) => {
          const overdue = s.nextPollAt !== null && s.nextPollAt.getTime() < now;
          return html`<tr><td><a class="mono" href="/runs/${encodeURIComponent(s.workflowRunId)}">${s.workflowRunId}</a></td><td class="mono">${s.workflowId}</td>
            <td>${s.stageName}</td><td class="num">${s.attempt}</td>
            <td class="${overdue ? "overdue" : ""}">${time(s.nextPollAt)}${overdue ? html` <span class="badge">overdue ${age(s.nextPollAt, now)}</span>` : ""}</td>
            <td>${duration(s.pollInterval)}</td><td>${time(s.maxWaitUntil)}</td></tr>`;
        })}</tbody></table>`
      : html`<p class="muted">No stage is suspended.</p>`}`;
  return { kind: "page", title: "Suspended", section: "suspended", main, liveMs };
}

/** Outbox events moved to the dead letters, the newest first. */
export async function deadLettersPage({ reader, liveMs, params, replays, formToken }: PageContext): Promise<PageResult> {
  const letters = await reader.listDeadLetters(200);
  const replayed = params.get("replayed");
  const main = html`<h1>Dead letters</h1>
    ${replayed !== null ? html`<p role="status">${counted(Number(replayed) || 0, "dead letter")} moved back to the outbox for the publisher.</p>` : ""}
    ${replays && letters.length ? html`<form method="post" action="/dead-letters/replay"><input type="hidden" name="${FORM_TOKEN_FIELD}" value="${formToken}"><button type="submit">Replay dead letters (up to 100)</button></form>` : ""}
    ${letters.length
      ? html`<table aria-label="Dead letters"><thead><tr><th scope="col">Run</th><th scope="col" class="num">Seq</th><th scope="col">Event</th><th scope="col" class="num">Retries</th><th scope="col">Occurred (UTC)</th><th scope="col">Dead since</th></tr></thead><tbody>
        ${letters.map((d) => html`<tr><td><a class="mono" href="/runs/${encodeURIComponent(d.workflowRunId)}">${d.workflowRunId}</a></td><td class="num">${d.sequence}</td><td class="mono">${d.eventType}</td><td class="num">${d.retryCount}</td><td>${time(d.occurredAt)}</td><td>${time(d.dlqAt)}</td></tr>`)}</tbody></table>`
      : html`<p class="muted">No dead letters.</p>`}`;
  return { kind: "page", title: "Dead letters", section: "dead-letters", main, liveMs };
}

