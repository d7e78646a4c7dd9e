import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { ConsoleQueryTimeoutError } from "../console/console-errors.js";
import type { KyselyConsoleReadPort } from "../console/kysely-console-read-port.js";
import { NotFoundError, ValidationError } from "../errors.js";
import { PROMETHEUS_CONTENT_TYPE } from "../metrics/prometheus-text.js";
import type { WorkflowMetrics } from "../metrics/workflow-metrics.js";
import { html, type SafeHtml } from "./html.js";
import { authorize, isLoopback, loopbackHostAllowed, TOKEN_COOKIE } from "./ui-auth.js";
import { UI_CSS, UI_JS } from "./ui-assets.js";
import { page } from "./ui-layout.js";
import { costsPage } from "./pages/costs-page.js";
import { deadLettersPage, queuePage, suspendedPage } from "./pages/operations-pages.js";
import type { PageContext, PageResult } from "./pages/page-result.js";
import { runPage } from "./pages/run-page.js";
import { runsPage } from "./pages/runs-page.js";

export interface UiServerOptions {
  reader: KyselyConsoleReadPort;
  metrics: WorkflowMetrics;
  /** What every request must present (see ui-auth.ts). */
  token: string;
  /** The database, as the header shows it (no password). */
  label: string;
  /** Live regions refresh this often (ms) while visible; default 3000. */
  liveMs?: number;
  /** Present only when writes were allowed (--allow-writes): cancels a run through the contract's own methods. */
  cancelRun?: (runId: string) => Promise<"cancelled" | "finished">;
  /** Present only when writes were allowed on a 0.12 or later database: the outbox's replayDLQEvents. */
  replayDeadLetters?: (maxEvents: number) => Promise<number>;
}

// No inline script or style anywhere, so the policy can forbid them.
const SECURITY_HEADERS = {
  "Content-Security-Policy":
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
  "X-Content-Type-Options": "nosniff",
  "Referrer-Policy": "no-referrer",
  "X-Frame-Options": "DENY",
  "Cache-Control": "no-store",
};

/** Dead letters one press of "Replay" moves back to the outbox. */
const DEAD_LETTER_REPLAY_BATCH = 100;

const ASSETS: Record<string, [string, string]> = {
  "/assets/kwp.css": ["text/css; charset=utf-8", UI_CSS],
  "/assets/kwp.js": ["text/javascript; charset=utf-8", UI_JS],
};

/** The request handler of `kwp ui`: read-only pages over the read port, /metrics, and (when allowed) cancel. */
export function createUiHandler(options: UiServerOptions, port: () => number, loopback: boolean) {
  const liveMs = options.liveMs ?? 3_000;
  const send = (response: ServerResponse, status: number, type: string, body: string | SafeHtml, extra: Record<string, string> = {}) => {
    response.writeHead(status, { ...SECURITY_HEADERS, "Content-Type": type, ...extra });
    response.end(String(body));
  };
  const errorPage = (response: ServerResponse, status: number, title: string, message: string) =>
    send(response, status, "text/html; charset=utf-8", page({ title, section: "runs", capabilities: options.reader.capabilities, label: options.label }, html`<h1>${title}</h1><p class="error" role="alert">${message}</p>`));

  const routes: Array<[RegExp, keyof typeof options.reader.capabilities, (ctx: PageContext, match: RegExpExecArray) => Promise<PageResult>]> = [
    [/^\/runs$/, "runs", (ctx) => runsPage(ctx)],
    [/^\/runs\/([^/]+)$/, "runs", (ctx, m) => runPage(ctx, decodeURIComponent(m[1]!))],
    [/^\/queue$/, "queue", (ctx) => queuePage(ctx)],
    [/^\/suspended$/, "suspended", (ctx) => suspendedPage(ctx)],
    [/^\/dead-letters$/, "deadLetters", (ctx) => deadLettersPage(ctx)],
    [/^\/costs$/, "costs", (ctx) => costsPage(ctx)],
  ];

  return async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const url = new URL(request.url ?? "/", "http://inspector.invalid");
    try {
      if (loopback && !loopbackHostAllowed(request.headers.host, port())) return send(response, 421, "text/plain; charset=utf-8", "Misdirected request: this inspector answers on its loopback address only\n");
      const asset = ASSETS[url.pathname];
      if (asset && (request.method === "GET" || request.method === "HEAD")) return send(response, 200, asset[0], asset[1]);

      const auth = authorize(request, url, options.token);
      if (auth === "none" || auth === "wrong") {
        return errorPage(response, 401, "Unauthorized", auth === "wrong" ? "This token is not the inspector's: open the URL kwp ui printed." : "Open the URL kwp ui printed (it carries the token).");
      }
      if (auth === "query") {
        // The token goes into a cookie and out of the address bar (and out of shared links).
        url.searchParams.delete("token");
        const location = `${url.pathname}${url.search}`;
        return send(response, 303, "text/plain; charset=utf-8", "", {
          Location: location === "/" ? "/runs" : location,
          "Set-Cookie": `${TOKEN_COOKIE}=${encodeURIComponent(options.token)}; HttpOnly; SameSite=Strict; Path=/`,
        });
      }
      if (url.pathname === "/metrics" && request.method === "GET") return send(response, 200, PROMETHEUS_CONTENT_TYPE, await options.metrics.collect());
      if (url.pathname === "/" && request.method === "GET") return send(response, 302, "text/plain; charset=utf-8", "", { Location: "/runs" });

      if (request.method === "POST") {
        const cancel = /^\/runs\/([^/]+)\/cancel$/.exec(url.pathname);
        const replay = url.pathname === "/dead-letters/replay";
        if (!cancel && !replay) return send(response, 405, "text/plain; charset=utf-8", "Method not allowed\n", { Allow: "GET, HEAD" });
        const write = cancel ? options.cancelRun : options.replayDeadLetters;
        if (!write) return errorPage(response, 403, "Read-only", "This inspector is read-only: start it with --allow-writes to cancel runs or replay dead letters.");
        // SameSite=Strict keeps the cookie off other sites' forms; the Origin check refuses them outright.
        const origin = request.headers.origin;
        if (origin !== undefined && origin !== `http://${request.headers.host}`) return errorPage(response, 403, "Forbidden", "A write must come from the inspector's own pages.");
        if (cancel) {
          const runId = decodeURIComponent(cancel[1]!);
          if ((await options.cancelRun!(runId)) === "finished") return errorPage(response, 409, "Already finished", `Run ${runId} has finished: there is nothing to cancel.`);
          return send(response, 303, "text/plain; charset=utf-8", "", { Location: `/runs/${encodeURIComponent(runId)}` });
        }
        const replayed = await options.replayDeadLetters!(DEAD_LETTER_REPLAY_BATCH);
        return send(response, 303, "text/plain; charset=utf-8", "", { Location: `/dead-letters?replayed=${replayed}` });
      }
      if (request.method !== "GET" && request.method !== "HEAD") return send(response, 405, "text/plain; charset=utf-8", "Method not allowed\n", { Allow: "GET, HEAD" });

      for (const [pattern, needs, handler] of routes) {
        const match = pattern.exec(url.pathname);
        if (!match || !options.reader.capabilities[needs]) continue;
        const result = await handler({ reader: options.reader, params: url.searchParams, writes: options.cancelRun !== undefined, replays: options.replayDeadLetters !== undefined, liveMs }, match);
        if (result.kind === "redirect") return send(response, 303, "text/plain; charset=utf-8", "", { Location: result.location });
        if (request.headers["x-kwp-fragment"] === "main") return send(response, result.status ?? 200, "text/html; charset=utf-8", result.main);
        const options_ = { title: result.title, section: result.section, capabilities: options.reader.capabilities, label: options.label, ...(result.liveMs ? { liveMs: result.liveMs } : {}) };
        return send(response, result.status ?? 200, "text/html; charset=utf-8", page(options_, result.main));
      }
      return errorPage(response, 404, "Not found", `Nothing here: ${url.pathname}`);
    } catch (error) {
      if (error instanceof ConsoleQueryTimeoutError) return errorPage(response, 504, "Timed out", `${error.message}: narrow the filters and try again.`);
      if (error instanceof ValidationError) return errorPage(response, 400, "Bad request", error.message);
      if (error instanceof NotFoundError) return errorPage(response, 404, "Not found", error.message);
      if (!response.headersSent) return errorPage(response, 500, "Error", error instanceof Error ? error.message : String(error));
      response.destroy();
    }
  };
}

/** Starts the inspector on `host:port` (port 0: any free one); resolves once it listens. */
export async function startUiServer(options: UiServerOptions & { host: string; port: number }): Promise<{ server: Server; url: string; close(): Promise<void> }> {
  let bound = options.port;
  const loopback = isLoopback(options.host);
  const handler = createUiHandler(options, () => bound, loopback);
  const server = createServer((request, response) => void handler(request, response));
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => resolve());
  });
  bound = (server.address() as AddressInfo).port;
  const host = options.host === "::1" ? "[::1]" : options.host === "0.0.0.0" || options.host === "::" ? "127.0.0.1" : options.host;
  return {
    server,
    url: `http://${host}:${bound}/?token=${options.token}`,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
