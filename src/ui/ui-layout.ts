import type { ConsoleCapabilities } from "../console/console-types.js";
import { html, SafeHtml } from "./html.js";

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

const head = (title: string) =>
  html`<meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · kwp ui</title><link rel="icon" href="/favicon.svg" type="image/svg+xml"><link rel="stylesheet" href="/assets/kwp.css">`;

/** A whole page: the header and navigation (only what the database serves), then `main`. */
export function page(options: PageOptions, main: SafeHtml): SafeHtml {
  const nav = SECTIONS.filter((s) => options.capabilities[s.needs]).map(
    (s) => html`<li><a href="${s.path}"${s.key === options.section ? html` aria-current="page"` : ""}>${s.text}</a></li>`,
  );
  return html`<!doctype html>
<html lang="en"><head>${head(options.title)}<script src="/assets/idiomorph.js" defer></script><script src="/assets/kwp.js" defer></script></head>
<body><a class="skip" href="#main">Skip to content</a>
<header><strong>kwp ui</strong><span class="muted mono label">${options.label}</span><nav aria-label="Sections"><ul>${nav}</ul></nav></header>
<main id="main" tabindex="-1"${options.liveMs ? html` data-live="${options.liveMs}"` : ""}>${boxTables(main)}</main></body></html>`;
}

/** A page for someone not signed in (401) or a request the server could not read: no navigation, no database. */
export function barePage(title: string, main: SafeHtml): SafeHtml {
  return html`<!doctype html>
<html lang="en"><head>${head(title)}</head>
<body><header><strong>kwp ui</strong></header><main id="main">${main}</main></body></html>`;
}

/**
 * Every table of `main` in a box of its own that scrolls sideways when the
 * table is wider than the screen (a phone), so the page itself never does;
 * the box is focusable and named after its table, so it scrolls from the
 * keyboard too. Applied to the inspector's own markup, where "<table" can only
 * be a tag (every value is escaped) and tables never nest.
 */
export function boxTables(main: SafeHtml): SafeHtml {
  return new SafeHtml(
    main.text
      .replace(/<table aria-label="([^"]*)">/g, '<div class="scroll-box" role="region" aria-label="$1" tabindex="0"><table aria-label="$1">')
      .replace(/<\/table>/g, "</table></div>"),
  );
}
