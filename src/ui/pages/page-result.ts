import type { KyselyConsoleReadPort } from "../../console/kysely-console-read-port.js";
import type { SafeHtml } from "../html.js";
import type { PageOptions } from "../ui-layout.js";

/** What a page handler answers: a page's main region, or a redirect. */
export type PageResult =
  | { kind: "page"; title: string; section: PageOptions["section"]; main: SafeHtml; liveMs?: number; status?: number }
  | { kind: "redirect"; location: string };

export interface PageContext {
  reader: KyselyConsoleReadPort;
  params: URLSearchParams;
  /** Whether write actions (cancel a run) were allowed at start (--allow-writes). */
  writes: boolean;
  /** Whether dead letters may be replayed (--allow-writes on a 0.12 or later database). */
  replays: boolean;
  /** How often live regions refresh. */
  liveMs: number;
  /** The token the inspector's own forms carry (ui-write-guard.ts). */
  formToken: string;
}
