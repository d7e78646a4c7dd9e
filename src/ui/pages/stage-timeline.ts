import type { StageSummary, StepSummary } from "../../console/console-types.js";
import type { RunJob } from "../../console/run-jobs.js";
import { html, type SafeHtml } from "../html.js";
import { duration, status } from "../ui-format.js";
import { stagePayloadSection } from "./payload-page.js";

/** The SVG's coordinate system (it scales to the width it is given: CSS width 100%). */
const WIDTH = 760;
const LABELS = 190;
const PLOT = WIDTH - LABELS - 12;
const AXIS = 24;
const ROW = 22;
const NICE = [1, 2, 5];

/** Tick spacing: the smallest 1, 2 or 5 × 10^k ms that gives at most `most` ticks over `span`. */
export function tickStep(span: number, most = 6): number {
  for (let power = 1; ; power *= 10) {
    for (const nice of NICE) if (span / (nice * power) <= most) return nice * power;
  }
}

const shorten = (text: string, most: number) => (text.length > most ? `${text.slice(0, most - 1)}…` : text);

/** Where a stage sits on the run's axis: start and end in ms from the run's first start; the end of a stage still going is now. */
interface Placed {
  stage: StageSummary;
  start: number | null;
  end: number | null;
  steps: StepSummary[];
}

function describe(p: Placed, attempts: number): string {
  const where = p.start === null ? "not started" : `started at +${duration(p.start)}, ${p.stage.completedAt ? `took ${duration(p.end! - p.start)}` : `${p.stage.status.toLowerCase()} for ${duration(p.end! - p.start)} so far`}`;
  const steps = p.steps.length ? `, ${p.steps.length} durable step${p.steps.length === 1 ? "" : "s"}` : "";
  return `${p.stage.stageName} (execution group ${p.stage.executionGroup}): ${p.stage.status}, ${where}, attempt ${attempts}${steps}${p.stage.errorMessage ? `: ${p.stage.errorMessage}` : ""}`;
}

/**
 * The run's stages on one time axis: a row per stage, ordered by execution
 * group then start, each bar placed at its start offset from the run's first
 * stage, parallel stages side by side in time, a stage still running (or
 * suspended, in its own colour) growing to now, its durable steps drawn
 * inside it. Each row is focusable and titled (hover or Tab shows its
 * details in the line under the chart); the table under it holds the same
 * facts for a screen reader. An SVG: no inline styles, which the CSP forbids.
 */
export function stageTimeline(runId: string, stages: StageSummary[], jobs: RunJob[], steps: StepSummary[], now: number): SafeHtml {
  if (!stages.length) return html`<p class="muted">No stages yet.</p>`;
  const starts = stages.map((s) => s.startedAt?.getTime()).filter((t): t is number => t !== undefined);
  const origin = starts.length ? Math.min(...starts) : now;
  const ordered = [...stages].sort((a, b) => a.executionGroup - b.executionGroup || (a.startedAt?.getTime() ?? Infinity) - (b.startedAt?.getTime() ?? Infinity) || a.stageNumber - b.stageNumber);
  const placed: Placed[] = ordered.map((stage) => {
    const started = stage.startedAt?.getTime();
    const start = started === undefined ? null : started - origin;
    const end = started === undefined ? null : Math.max(started, stage.completedAt?.getTime() ?? now) - origin;
    return { stage, start, end, steps: steps.filter((step) => step.stageRecordId === stage.id) };
  });
  const span = Math.max(1, ...placed.map((p) => p.end ?? 0));
  const step = tickStep(span);
  const x = (ms: number) => LABELS + (ms / span) * PLOT;
  const height = AXIS + placed.length * ROW + 4;
  // The stage's attempt counts reruns and redrives (as the CLI shows it); its
  // job's attempt counts retries after a failure (a suspend and resume gives
  // the attempt back, so it is not one).
  const attemptsOf = (stage: StageSummary) => Math.max(1, stage.attempt);
  const tries = (stage: StageSummary) => {
    const job = jobs.find((j) => j.stageId === stage.stageId);
    if (!job) return "—";
    return job.attempt > 1 ? `${job.attempt} (retried ${job.attempt - 1}×)` : String(job.attempt);
  };
  const ticks = Array.from({ length: Math.floor(span / step) + 1 }, (_, i) => i * step);

  const rows = placed.map((p, i) => {
    const y = AXIS + i * ROW;
    const firstOfGroup = i === 0 || placed[i - 1]!.stage.executionGroup !== p.stage.executionGroup;
    const label = describe(p, attemptsOf(p.stage));
    return html`${firstOfGroup && i > 0 ? html`<line class="group-line" x1="0" y1="${y}" x2="${WIDTH}" y2="${y}"></line>` : ""}
      <g class="lane" tabindex="0" role="img" aria-label="${label}" data-detail="${label}"><title>${label}</title>
        <text x="0" y="${y + 15}">${firstOfGroup ? `G${p.stage.executionGroup} ` : "    "}${shorten(p.stage.stageName, 24)}</text>
        ${p.start === null
          ? html`<text x="${LABELS}" y="${y + 15}" class="muted">not started</text>`
          : html`<rect class="bar bar-${p.stage.status}" x="${x(p.start).toFixed(1)}" y="${y + 4}" width="${Math.max(2, x(p.end!) - x(p.start)).toFixed(1)}" height="${ROW - 8}" rx="2"></rect>
            ${p.steps.map((s) => {
              const from = Math.max(p.start!, s.createdAt.getTime() - origin);
              const to = Math.min(p.end!, Math.max(from, s.updatedAt.getTime() - origin));
              return html`<rect class="step" x="${x(from).toFixed(1)}" y="${y + 9}" width="${Math.max(1.5, x(to) - x(from)).toFixed(1)}" height="4"></rect>`;
            })}`}
      </g>`;
  });
  const chart = html`<svg class="chart timeline" viewBox="0 0 ${WIDTH} ${height}" role="group" aria-label="Stages on the run's time axis">
    <g class="axis">${ticks.map((t) => html`<line class="grid" x1="${x(t).toFixed(1)}" y1="${AXIS - 6}" x2="${x(t).toFixed(1)}" y2="${height}"></line>
      <text x="${x(t).toFixed(1)}" y="${AXIS - 10}" text-anchor="${t === 0 ? "start" : "middle"}">+${duration(t)}</text>`)}</g>
    ${rows}</svg>
    <p class="timeline-detail muted" aria-live="polite">Point at or Tab to a stage for its details.</p>`;

  const table = html`<table aria-label="Stages"><thead><tr><th scope="col" class="num">Group</th><th scope="col">Stage</th><th scope="col">Status</th>
      <th scope="col" class="num">Stage attempt</th><th scope="col" class="num">Job tries</th><th scope="col" class="num">Started at</th><th scope="col" class="num">Duration</th></tr></thead><tbody>
    ${placed.map((p) => html`<tr><td class="num">${p.stage.executionGroup}</td>
      <td>${p.stage.stageName}<div class="muted mono">${p.stage.stageId}</div>${p.stage.errorMessage ? html`<div class="overdue">${p.stage.errorMessage}</div>` : ""}
        ${p.stage.status === "SUSPENDED" ? html`<div class="muted">Suspended: next poll ${p.stage.nextPollAt ? p.stage.nextPollAt.toISOString() : "—"}${p.stage.maxWaitUntil ? `, waits until ${p.stage.maxWaitUntil.toISOString()}` : ""}</div>${stagePayloadSection(runId, p.stage.id, "suspendedState", "Suspended state")}` : ""}
        ${p.stage.completedAt ? stagePayloadSection(runId, p.stage.id, "outputData", "Output") : ""}</td>
      <td>${status(p.stage.status)}</td><td class="num">${attemptsOf(p.stage)}</td><td class="num">${tries(p.stage)}</td>
      <td class="num">${p.start === null ? "—" : `+${duration(p.start)}`}</td>
      <td class="num">${duration(p.stage.duration ?? (p.start !== null && p.stage.completedAt ? p.end! - p.start : p.start !== null ? p.end! - p.start : null))}</td></tr>`)}</tbody></table>`;
  return html`${chart}${table}`;
}
