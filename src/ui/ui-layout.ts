import type { ConsoleCapabilities } from "../console/console-types.js";
import { html, type SafeHtml } from "./html.js";

export interface PageOptions {
  title: string;
  /** The nav entry to mark as current. */
  section: "runs" | "queue" | "suspended" | "dead-letters" | "costs";
  capabilities: ConsoleCapabilities;
  /** Refresh the main region every this many ms while the tab is visible. */
  liveMs?: number;
  label: string;
}

const SECTIONS = [
  { key: "runs", path: "/runs", text: "Runs", needs: "runs" },
  { key: "queue", path: "/queue", text: "Queue & workers", needs: "queue" },
  { key: "suspended", path: "/suspended", text: "Suspended", needs: "suspended" },
  { key: "dead-letters", path: "/dead-letters", text: "Dead letters", needs: "deadLetters" },
  { key: "costs", path: "/costs", text: "Costs", needs: "costs" },
] as const;

/** A whole page: the header and navigation (only what the database serves), then `main`. */
export function page(options: PageOptions, main: SafeHtml): SafeHtml {
  const nav = SECTIONS.filter((s) => options.capabilities[s.needs]).map(
    (s) => html`<li><a href="${s.path}"${s.key === options.section ? html` aria-current="page"` : ""}>${s.text}</a></li>`,
  );
  return html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${options.title} · kwp ui</title><link rel="stylesheet" href="/assets/kwp.css"><script src="/assets/kwp.js" defer></script></head>
<body><a class="skip" href="#main">Skip to content</a>
<header><strong>kwp ui</strong><span class="muted mono">${options.label}</span><nav aria-label="Sections"><ul>${nav}</ul></nav></header>
<main id="main" tabindex="-1"${options.liveMs ? html` data-live="${options.liveMs}"` : ""}>${main}</main></body></html>`;
}
