import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { UI_SCRIPT } from "./ui-script.js";

/**
 * The inspector's only assets, served by the package itself (no CDN, so the
 * CSP stays 'self'): a stylesheet, its script (ui-script.ts), idiomorph (read
 * once from its npm package) and an icon.
 */
export const UI_CSS = `
:root { color-scheme: light dark; --fg: #1b1f24; --bg: #ffffff; --muted: #57606a; --line: #d0d7de; --accent: #0a58ca;
  --ok: #116329; --bad: #a40e26; --warn: #7d4e00; --panel: #f6f8fa; --run: #0550ae; --pending: #6639ba; }
@media (prefers-color-scheme: dark) { :root { --fg: #e6edf3; --bg: #0d1117; --muted: #9da7b3; --line: #30363d; --accent: #6cb6ff;
  --ok: #56d364; --bad: #ff7b72; --warn: #e3b341; --panel: #161b22; --run: #79c0ff; --pending: #d2a8ff; } }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--fg); background: var(--bg); }
a { color: var(--accent); }
a:focus-visible, button:focus-visible, input:focus-visible, select:focus-visible, summary:focus-visible { outline: 3px solid var(--accent); outline-offset: 2px; }
.skip { position: absolute; left: -999px; } .skip:focus { left: 8px; top: 8px; background: var(--bg); padding: 4px 8px; }
header { display: flex; flex-wrap: wrap; gap: 6px 24px; align-items: center; padding: 10px 20px; border-bottom: 1px solid var(--line); background: var(--panel); }
header .label { min-width: 0; overflow-wrap: anywhere; }
header strong { font-size: 15px; }
nav ul { display: flex; flex-wrap: wrap; gap: 4px 16px; list-style: none; margin: 0; padding: 0; }
nav a[aria-current="page"] { font-weight: 700; text-decoration: none; color: var(--fg); }
main { padding: 16px 20px 40px; max-width: 1280px; overflow-wrap: anywhere; }
@media (max-width: 600px) { header, main { padding-left: 10px; padding-right: 10px; } }
.scroll-box { max-width: 100%; overflow-x: auto; }
/* In a table a long value wraps at its spaces and breaks only when one word is wider than the cell can be;
   a table wider than the screen scrolls in its box (above), never the page. */
table { overflow-wrap: break-word; } th { white-space: nowrap; } td { min-width: 4em; max-width: 48em; }
h1 { font-size: 20px; margin: 4px 0 12px; } h2 { font-size: 16px; margin: 24px 0 8px; }
table { border-collapse: collapse; width: 100%; margin: 8px 0; }
th, td { text-align: left; padding: 5px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { font-weight: 600; color: var(--muted); }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; overflow-wrap: normal; }
code, .mono { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: 12.5px; }
.status { font-weight: 600; white-space: nowrap; } .status-COMPLETED { color: var(--ok); } .status-FAILED { color: var(--bad); }
.status-CANCELLED { color: var(--muted); } .status-RUNNING { color: var(--run); } .status-SUSPENDED { color: var(--warn); }
.status-PENDING { color: var(--pending); } .status-SKIPPED { color: var(--muted); font-weight: 400; }
/* A shape beside the colour, so a status never reads by colour alone (hidden from screen readers: the word follows). */
.status::before { content: "• " / ""; } .status-COMPLETED::before { content: "✓ " / ""; } .status-FAILED::before { content: "✕ " / ""; }
.status-CANCELLED::before { content: "⊘ " / ""; } .status-RUNNING::before { content: "▶ " / ""; } .status-SUSPENDED::before { content: "‖ " / ""; }
.status-PENDING::before { content: "○ " / ""; } .status-SKIPPED::before { content: "↷ " / ""; }
.run-error { color: var(--bad); font-size: 12.5px; max-width: 32em; display: -webkit-box; -webkit-line-clamp: 2; -webkit-box-orient: vertical; overflow: hidden; }
.nowrap { white-space: nowrap; overflow-wrap: normal; } .muted { color: var(--muted); } .overdue { color: var(--bad); font-weight: 600; } .badge { border: 1px solid var(--line); border-radius: 8px; padding: 0 6px; font-size: 12px; }
form.filters { display: flex; flex-wrap: wrap; gap: 10px; align-items: flex-end; margin: 8px 0 12px; }
form.filters label { display: flex; flex-direction: column; font-size: 12px; color: var(--muted); gap: 2px; }
input, select, button { font: inherit; padding: 4px 6px; border: 1px solid var(--line); border-radius: 4px; background: var(--bg); color: var(--fg); }
button { cursor: pointer; }
.cards { display: flex; flex-wrap: wrap; gap: 12px; margin: 8px 0; }
.card { border: 1px solid var(--line); border-radius: 6px; padding: 8px 12px; min-width: 140px; background: var(--panel); }
.card .value { font-size: 20px; font-weight: 600; }
details { margin: 4px 0; } summary { cursor: pointer; }
pre { background: var(--panel); border: 1px solid var(--line); padding: 8px; overflow: auto; max-height: 420px; white-space: pre-wrap; word-break: break-word; }
svg.chart { display: block; width: 100%; max-width: 760px; height: auto; }
svg text { fill: var(--fg); font-size: 11px; } svg .bar { fill: var(--accent); } svg .bar-COMPLETED { fill: var(--ok); } svg .bar-FAILED { fill: var(--bad); }
svg .bar-SUSPENDED { fill: var(--warn); } svg .bar-RUNNING { fill: var(--run); } svg .bar-CANCELLED, svg .bar-SKIPPED { fill: var(--muted); }
svg .bar-PENDING { fill: var(--pending); } svg .step { fill: var(--fg); opacity: .55; } svg .attempt-edge { stroke: var(--bg); stroke-width: 2; }
svg .grid { stroke: var(--line); } svg .axis text { fill: var(--muted); } svg .group-line { stroke: var(--muted); stroke-dasharray: 3 3; }
svg .lane:focus { outline: none; } svg .lane:focus .bar, svg .lane:hover .bar { stroke: var(--fg); stroke-width: 1.5; }
.timeline { max-width: 100%; } .timeline-detail { min-height: 1.5em; }
.pager { display: flex; gap: 16px; margin: 8px 0; }
.error { border: 1px solid var(--bad); color: var(--bad); padding: 8px; border-radius: 6px; }
`;


const ICON = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="6" fill="#0a58ca"/><path d="M7 9h18M7 16h12M7 23h15" stroke="#fff" stroke-width="3" stroke-linecap="round"/></svg>`;

let idiomorph: string | undefined;
/** idiomorph's browser build (a global Idiomorph), from node_modules. */
const idiomorphScript = (): string =>
  (idiomorph ??= readFileSync(createRequire(import.meta.url).resolve("idiomorph/dist/idiomorph.min.js"), "utf8"));

/** Path → content type and body. */
export const UI_ASSETS: Record<string, { type: string; body: () => string }> = {
  "/assets/kwp.css": { type: "text/css; charset=utf-8", body: () => UI_CSS },
  "/assets/kwp.js": { type: "text/javascript; charset=utf-8", body: () => UI_SCRIPT },
  "/assets/idiomorph.js": { type: "text/javascript; charset=utf-8", body: idiomorphScript },
  "/favicon.svg": { type: "image/svg+xml", body: () => ICON },
  "/favicon.ico": { type: "image/svg+xml", body: () => ICON },
};
