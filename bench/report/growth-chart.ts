/**
 * growth.svg: two log–log panels drawn as plain SVG (no charting dependency
 * for a dozen lines): one dequeue's p50 latency against PENDING jobs, and
 * getStats time against ai_calls rows. One colour per contender, solid lines
 * for PostgreSQL, dashed for SQLite.
 */
import { GROWTH_WORKLOAD } from "../growth/growth-suite.js";
import { STATS_WORKLOAD } from "../ai-calls/stats-suite.js";
import type { Measurement } from "../support/results.js";

interface Series {
  label: string;
  dashed: boolean;
  colour: string;
  points: Array<[rows: number, ms: number]>;
}

const PANEL = { width: 520, height: 340, left: 70, right: 20, top: 40, bottom: 50 };
const PALETTE = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b"];
const escape = (text: string) => text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/'/g, "&#39;");

export function growthChart(measurements: Measurement[]): string {
  const panels = [
    panel("One dequeue vs PENDING jobs (p50)", "PENDING jobs", series(measurements, GROWTH_WORKLOAD, (m) => m.p50Ms)),
    panel("getStats vs ai_calls rows", "ai_calls rows", series(measurements, STATS_WORKLOAD, (m) => m.ms)),
  ];
  const width = PANEL.width * 2;
  const legendTop = PANEL.height + 10;
  const legend = legendEntries(measurements);
  const height = legendTop + 20 * Math.ceil(legend.length / 3) + 20;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<g>${panels[0]}</g>`,
    `<g transform="translate(${PANEL.width} 0)">${panels[1]}</g>`,
    ...legend.map((entry, i) => {
      const x = 20 + (i % 3) * 340;
      const y = legendTop + 20 * Math.floor(i / 3);
      return `<line x1="${x}" y1="${y}" x2="${x + 30}" y2="${y}" stroke="${entry.colour}" stroke-width="2"${entry.dashed ? ' stroke-dasharray="6 4"' : ""}/>` +
        `<text x="${x + 36}" y="${y + 4}">${escape(entry.label)}</text>`;
    }),
    "</svg>",
    "",
  ].join("\n");
}

function contenderColours(measurements: Measurement[]): Map<string, string> {
  const names = [...new Set(measurements.filter((m) => m.workload === GROWTH_WORKLOAD || m.workload === STATS_WORKLOAD).map((m) => m.contender))];
  return new Map(names.map((name, i) => [name, PALETTE[i % PALETTE.length]!]));
}

function legendEntries(measurements: Measurement[]) {
  const colours = contenderColours(measurements);
  const dialects = [...new Set(measurements.map((m) => m.dialect))];
  return dialects.flatMap((dialect) =>
    [...colours].map(([name, colour]) => ({ label: `${dialect === "sqlite" ? "SQLite" : "PostgreSQL"}: ${name}`, colour, dashed: dialect === "sqlite" })),
  ).filter((entry) => measurements.some((m) => `${m.dialect === "sqlite" ? "SQLite" : "PostgreSQL"}: ${m.contender}` === entry.label && (m.workload === GROWTH_WORKLOAD || m.workload === STATS_WORKLOAD)));
}

function series(measurements: Measurement[], workload: string, value: (m: Measurement) => number | undefined): Series[] {
  const colours = contenderColours(measurements);
  const groups = new Map<string, Series>();
  for (const m of measurements.filter((m) => m.workload === workload)) {
    const y = value(m);
    if (y === undefined || m.rows === undefined) continue;
    const key = `${m.dialect}:${m.contender}`;
    let entry = groups.get(key);
    if (!entry) groups.set(key, (entry = { label: key, dashed: m.dialect === "sqlite", colour: colours.get(m.contender)!, points: [] }));
    entry.points.push([m.rows, Math.max(y, 0.001)]);
  }
  return [...groups.values()].map((s) => ({ ...s, points: s.points.sort((a, b) => a[0] - b[0]) }));
}

function panel(title: string, xLabel: string, lines: Series[]): string {
  const points = lines.flatMap((s) => s.points);
  if (!points.length) return `<text x="${PANEL.width / 2}" y="${PANEL.top}" text-anchor="middle">${escape(title)}: not measured</text>`;
  const decades = (values: number[]) => [Math.floor(Math.log10(Math.min(...values))), Math.ceil(Math.log10(Math.max(...values)))] as const;
  const [x0, x1] = decades(points.map((p) => p[0]));
  const [y0, y1raw] = decades(points.map((p) => p[1]));
  const y1 = Math.max(y1raw, y0 + 1);
  const plotW = PANEL.width - PANEL.left - PANEL.right;
  const plotH = PANEL.height - PANEL.top - PANEL.bottom;
  const sx = (x: number) => PANEL.left + ((Math.log10(x) - x0) / Math.max(1, x1 - x0)) * plotW;
  const sy = (y: number) => PANEL.top + plotH - ((Math.log10(y) - y0) / (y1 - y0)) * plotH;
  const parts = [`<text x="${PANEL.width / 2}" y="20" text-anchor="middle" font-weight="bold">${escape(title)}</text>`];
  for (let d = x0; d <= x1; d++) {
    const x = sx(10 ** d);
    parts.push(`<line x1="${x}" y1="${PANEL.top}" x2="${x}" y2="${PANEL.top + plotH}" stroke="#ddd"/>`);
    parts.push(`<text x="${x}" y="${PANEL.top + plotH + 16}" text-anchor="middle">${formatPower(d, "")}</text>`);
  }
  for (let d = y0; d <= y1; d++) {
    const y = sy(10 ** d);
    parts.push(`<line x1="${PANEL.left}" y1="${y}" x2="${PANEL.left + plotW}" y2="${y}" stroke="#ddd"/>`);
    parts.push(`<text x="${PANEL.left - 6}" y="${y + 4}" text-anchor="end">${formatPower(d, " ms")}</text>`);
  }
  parts.push(`<text x="${PANEL.left + plotW / 2}" y="${PANEL.height - 12}" text-anchor="middle">${escape(xLabel)} (log)</text>`);
  parts.push(`<text transform="translate(16 ${PANEL.top + plotH / 2}) rotate(-90)" text-anchor="middle">time (log)</text>`);
  for (const line of lines) {
    const path = line.points.map(([x, y]) => `${sx(x).toFixed(1)},${sy(y).toFixed(1)}`).join(" ");
    parts.push(`<polyline fill="none" stroke="${line.colour}" stroke-width="2"${line.dashed ? ' stroke-dasharray="6 4"' : ""} points="${path}"/>`);
    for (const [x, y] of line.points) parts.push(`<circle cx="${sx(x).toFixed(1)}" cy="${sy(y).toFixed(1)}" r="3" fill="${line.colour}"><title>${escape(line.label)}: ${y.toFixed(3)} ms at ${x}</title></circle>`);
  }
  return parts.join("\n");
}

function formatPower(decade: number, unit: string): string {
  const value = 10 ** decade;
  if (value >= 1_000_000) return `${value / 1_000_000}M${unit}`;
  if (value >= 1_000) return `${value / 1_000}k${unit}`;
  return `${value}${unit}`;
}
