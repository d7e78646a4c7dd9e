/**
 * The inspector's only assets, served by the package itself (no CDN): a
 * stylesheet and a small script. The script does two things: it refreshes
 * the page's live region while the tab is visible (paused when hidden), and
 * it keeps the <details> a reader opened open across refreshes.
 */
export const UI_CSS = `
:root { color-scheme: light dark; --fg: #1b1f24; --bg: #ffffff; --muted: #57606a; --line: #d0d7de; --accent: #0a58ca;
  --ok: #116329; --bad: #a40e26; --warn: #7d4e00; --panel: #f6f8fa; }
@media (prefers-color-scheme: dark) { :root { --fg: #e6edf3; --bg: #0d1117; --muted: #9da7b3; --line: #30363d; --accent: #6cb6ff;
  --ok: #56d364; --bad: #ff7b72; --warn: #e3b341; --panel: #161b22; } }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--fg); background: var(--bg); }
a { color: var(--accent); }
a:focus-visible, button:focus-visible, input:focus-visible, select:focus-visible, summary:focus-visible { outline: 3px solid var(--accent); outline-offset: 2px; }
.skip { position: absolute; left: -999px; } .skip:focus { left: 8px; top: 8px; background: var(--bg); padding: 4px 8px; }
header { display: flex; gap: 24px; align-items: center; padding: 10px 20px; border-bottom: 1px solid var(--line); background: var(--panel); }
header strong { font-size: 15px; }
nav ul { display: flex; gap: 16px; list-style: none; margin: 0; padding: 0; }
nav a[aria-current="page"] { font-weight: 700; text-decoration: none; color: var(--fg); }
main { padding: 16px 20px 40px; max-width: 1280px; }
h1 { font-size: 20px; margin: 4px 0 12px; } h2 { font-size: 16px; margin: 24px 0 8px; }
table { border-collapse: collapse; width: 100%; margin: 8px 0; }
th, td { text-align: left; padding: 5px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { font-weight: 600; color: var(--muted); }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
code, .mono { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: 12.5px; }
.status { font-weight: 600; } .status-COMPLETED { color: var(--ok); } .status-FAILED, .status-CANCELLED { color: var(--bad); }
.status-SUSPENDED, .status-PENDING { color: var(--warn); }
.muted { color: var(--muted); } .overdue { color: var(--bad); font-weight: 600; } .badge { border: 1px solid var(--line); border-radius: 8px; padding: 0 6px; font-size: 12px; }
form.filters { display: flex; flex-wrap: wrap; gap: 10px; align-items: flex-end; margin: 8px 0 12px; }
form.filters label { display: flex; flex-direction: column; font-size: 12px; color: var(--muted); gap: 2px; }
input, select, button { font: inherit; padding: 4px 6px; border: 1px solid var(--line); border-radius: 4px; background: var(--bg); color: var(--fg); }
button { cursor: pointer; }
.cards { display: flex; flex-wrap: wrap; gap: 12px; margin: 8px 0; }
.card { border: 1px solid var(--line); border-radius: 6px; padding: 8px 12px; min-width: 140px; background: var(--panel); }
.card .value { font-size: 20px; font-weight: 600; }
details { margin: 4px 0; } summary { cursor: pointer; }
pre { background: var(--panel); border: 1px solid var(--line); padding: 8px; overflow: auto; max-height: 420px; white-space: pre-wrap; word-break: break-word; }
svg text { fill: var(--fg); font-size: 11px; } svg .bar { fill: var(--accent); } svg .bar-FAILED { fill: var(--bad); } svg .bar-SUSPENDED { fill: var(--warn); }
svg .grid { stroke: var(--line); }
.pager { display: flex; gap: 16px; margin: 8px 0; }
.error { border: 1px solid var(--bad); color: var(--bad); padding: 8px; border-radius: 6px; }
`;

export const UI_JS = `
(function () {
  var main = document.getElementById("main");
  if (!main || !main.hasAttribute("data-live")) return;
  var interval = Number(main.getAttribute("data-live")) || 3000;
  function openKeys() {
    return Array.prototype.map.call(main.querySelectorAll("details[open][data-key]"), function (d) { return d.getAttribute("data-key"); });
  }
  function refresh() {
    if (document.visibilityState !== "visible") return;
    fetch(location.href, { headers: { "X-KWP-Fragment": "main" }, credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (text) {
        if (text === null || text === main.innerHTML) return;
        var keys = openKeys();
        var focused = document.activeElement && main.contains(document.activeElement) ? document.activeElement.id : null;
        main.innerHTML = text;
        keys.forEach(function (key) { var d = main.querySelector('details[data-key="' + key + '"]'); if (d) d.open = true; });
        if (focused) { var f = document.getElementById(focused); if (f) f.focus(); }
      })
      .catch(function () {});
  }
  setInterval(refresh, interval);
  document.addEventListener("visibilitychange", refresh);
})();
`;
