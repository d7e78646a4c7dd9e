import type { StageSummary } from "../../console/console-types.js";
import type { RunJob } from "../../console/run-jobs.js";
import { html, type SafeHtml } from "../html.js";
import { duration, status } from "../ui-format.js";

const WIDTH = 480;
const ROW = 18;

/**
 * Stages by execution group, each with its status, attempts and duration,
 * and a bar placed on the run's time axis (an SVG: no inline styles, which
 * the page's CSP forbids). A stage's retries are its job's attempts past the
 * first (on every contract) or its own attempt counter (0.12 and later).
 */
export function stageTimeline(stages: StageSummary[], jobs: RunJob[], now: number): SafeHtml {
  if (!stages.length) return html`<p class="muted">No stages yet.</p>`;
  const starts = stages.map((s) => s.startedAt?.getTime()).filter((t): t is number => t !== undefined);
  const origin = starts.length ? Math.min(...starts) : now;
  const ends = stages.map((s) => s.completedAt?.getTime() ?? (s.startedAt ? now : origin));
  const span = Math.max(1, Math.max(...ends) - origin);
  const groups = [...new Set(stages.map((s) => s.executionGroup))].sort((a, b) => a - b);
  const attemptsOf = (stage: StageSummary) => Math.max(stage.attempt, ...jobs.filter((j) => j.stageId === stage.stageId).map((j) => j.attempt));
  return html`${groups.map((group) => {
    const members = stages.filter((s) => s.executionGroup === group);
    return html`<h3>Execution group ${group}</h3>
      <table aria-label="Stages of execution group ${group}"><thead><tr><th scope="col">Stage</th><th scope="col">Status</th>
        <th scope="col" class="num">Attempts</th><th scope="col" class="num">Duration</th><th scope="col">Timeline</th></tr></thead><tbody>
      ${members.map((stage) => {
        const attempts = attemptsOf(stage);
        const start = stage.startedAt?.getTime();
        const end = stage.completedAt?.getTime() ?? now;
        const x = start === undefined ? 0 : Math.round(((start - origin) / span) * WIDTH);
        const w = start === undefined ? 0 : Math.max(2, Math.round(((end - start) / span) * WIDTH));
        return html`<tr>
          <td>${stage.stageName}<div class="muted mono">${stage.stageId}</div>${stage.errorMessage ? html`<div class="overdue">${stage.errorMessage}</div>` : ""}</td>
          <td>${status(stage.status)}</td>
          <td class="num">${attempts > 1 ? html`<span class="badge" title="retried">${attempts} (retried ${attempts - 1}×)</span>` : String(Math.max(attempts, 1))}</td>
          <td class="num">${duration(stage.duration ?? (start !== undefined && stage.completedAt ? end - start : null))}</td>
          <td><svg width="${WIDTH}" height="${ROW}" role="img" aria-label="${stage.stageName}: ${start === undefined ? "not started" : duration(end - start)}">
            <line class="grid" x1="0" y1="${ROW - 1}" x2="${WIDTH}" y2="${ROW - 1}"></line>
            ${start === undefined ? "" : html`<rect class="bar bar-${stage.status}" x="${x}" y="3" width="${w}" height="${ROW - 6}" rx="2"></rect>`}</svg></td>
        </tr>`;
      })}</tbody></table>`;
  })}`;
}
