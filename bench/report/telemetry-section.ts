import type { Measurement } from "../support/results.js";
import { TELEMETRY_MODES } from "../telemetry/telemetry-modes.js";

/** The telemetry suite: each mode's rate and its ratio to "no OpenTelemetry" in the same run. */
export function telemetrySection(measurements: Measurement[]): string[] {
  const rows = measurements.filter((m) => m.suite === "telemetry" && m.perSecond !== undefined);
  if (!rows.length) return [];
  const workloads = [...new Set(rows.map((m) => m.workload))];
  const header = ["workload", ...TELEMETRY_MODES.map((mode) => `${mode}`)];
  const body = workloads.map((workload) => {
    const by = (mode: string) => rows.find((m) => m.workload === workload && m.contender === mode)?.perSecond;
    const none = by(TELEMETRY_MODES[0]);
    return [workload, ...TELEMETRY_MODES.map((mode) => {
      const rate = by(mode);
      if (rate === undefined) return "—";
      const shown = rate >= 100 ? Math.round(rate).toLocaleString("en-US") : rate.toFixed(1);
      return mode === TELEMETRY_MODES[0] || none === undefined ? shown : `${shown} (${(rate / none).toFixed(2)}×)`;
    })];
  });
  const line = (cells: string[]) => `| ${cells.join(" | ")} |`;
  return [
    "### OpenTelemetry's cost (per second, one caller; in brackets: the ratio to no OpenTelemetry in the same run)",
    "",
    line(header),
    line(header.map(() => "---")),
    ...body.map(line),
    "",
  ];
}
