import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Socket } from "node:net";
import { ConsoleQueryTimeoutError } from "../console/console-errors.js";
import type { KyselyConsoleReadPort } from "../console/kysely-console-read-port.js";
import { NotFoundError, ValidationError } from "../errors.js";
import { PROMETHEUS_CONTENT_TYPE } from "../metrics/prometheus-text.js";
import type { WorkflowMetrics } from "../metrics/workflow-metrics.js";
import { BadRequest, decodePathPart } from "./bad-request.js";
import { html, type SafeHtml } from "./html.js";
import { authorize, isLoopback, loopbackHostAllowed, tokenCookie } from "./ui-auth.js";
import { UI_ASSETS } from "./ui-assets.js";
import { barePage, boxTables, page } from "./ui-layout.js";
import { formToken, readForm, writeRefusal } from "./ui-write-guard.js";
import { costsPage } from "./pages/costs-page.js";
import { deadLettersPage, queuePage, suspendedPage } from "./pages/operations-pages.js";
import type { PageContext, PageResult } from "./pages/page-result.js";
import { payloadFragment, payloadWhole } from "./pages/payload-page.js";
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
// Referrer-Policy same-origin: the inspector's own form posts carry its
// Origin (under no-referrer Chromium sends "Origin: null"); other sites
// still get no referrer.
const SECURITY_HEADERS = {
  "Content-Security-Policy":
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
  "X-Content-Type-Options": "nosniff",
  "Referrer-Policy": "same-origin",
  "X-Frame-Options": "DENY",
  "Cache-Control": "no-store",
};

/** Dead letters one press of "Replay" moves back to the outbox. */
const DEAD_LETTER_REPLAY_BATCH = 100;

/** The longest request head (request line and headers) the inspector reads; Node's default is 16 KB. */
export const MAX_HEADER_BYTES = 16_384;

/** The request handler of `kwp ui`: read-only pages over the read port, /metrics, and (when allowed) cancel and replay. */
export function createUiHandler(options: UiServerOptions, port: () => number, loopback: boolean) {
  const liveMs = options.liveMs ?? 3_000;
  const csrf = formToken(options.token);
  const send = (response: ServerResponse, status: number, type: string, body: string | SafeHtml, extra: Record<string, string> = {}) => {
    response.writeHead(status, { ...SECURITY_HEADERS, "Content-Type": type, ...extra });
    response.end(String(body));
  };
  const text = (response: ServerResponse, status: number, body: string, extra: Record<string, string> = {}) => send(response, status, "text/plain; charset=utf-8", body, extra);
  const message = (title: string, body: string) => html`<h1>${title}</h1><p class="error" role="alert">${body}</p>`;
  const errorPage = (response: ServerResponse, status: number, title: string, body: string) =>
    send(response, status, "text/html; charset=utf-8", page({ title, section: "runs", capabilities: options.reader.capabilities, label: options.label }, message(title, body)));
  const barePageOf = (response: ServerResponse, status: number, title: string, body: string) => send(response, status, "text/html; charset=utf-8", barePage(title, message(title, body)));

  const routes: Array<[RegExp, keyof typeof options.reader.capabilities, (ctx: PageContext, match: RegExpExecArray) => Promise<PageResult>]> = [
    [/^\/runs$/, "runs", (ctx) => runsPage(ctx)],
    [/^\/runs\/([^/]+)$/, "runs", (ctx, m) => runPage(ctx, decodePathPart(m[1]!, "The run id in the address"))],
    [/^\/queue$/, "queue", (ctx) => queuePage(ctx)],
    [/^\/suspended$/, "suspended", (ctx) => suspendedPage(ctx)],
    [/^\/dead-letters$/, "deadLetters", (ctx) => deadLettersPage(ctx)],
    [/^\/costs$/, "costs", (ctx) => costsPage(ctx)],
  ];

  async function write(request: IncomingMessage, response: ServerResponse, url: URL): Promise<void> {
    const cancel = /^\/runs\/([^/]+)\/cancel$/.exec(url.pathname);
    const replay = url.pathname === "/dead-letters/replay";
    if (!cancel && !replay) return text(response, 405, "Method not allowed\n", { Allow: "GET, HEAD" });
    const allowed = cancel ? options.cancelRun : options.replayDeadLetters;
    if (!allowed) return errorPage(response, 403, "Read-only", "This inspector is read-only: start it with --allow-writes to cancel runs or replay dead letters.");
    const form = await readForm(request);
    if (!form) return barePageOf(response, 413, "Request too large", "A write from the inspector's own pages is a form of one field; this request's body is longer than any of them.");
    const refusal = writeRefusal(request, form, options.token);
    if (refusal) return errorPage(response, 403, "Forbidden", `Refused: a write must come from this inspector's own pages, and ${refusal}.`);
    if (cancel) {
      const runId = decodePathPart(cancel[1]!, "The run id in the address");
      if ((await options.cancelRun!(runId)) === "finished") return errorPage(response, 409, "Already finished", `Run ${runId} has finished: there is nothing to cancel.`);
      return text(response, 303, "", { Location: `/runs/${encodeURIComponent(runId)}` });
    }
    const replayed = await options.replayDeadLetters!(DEAD_LETTER_REPLAY_BATCH);
    return text(response, 303, "", { Location: `/dead-letters?replayed=${replayed}` });
  }

  async function read(request: IncomingMessage, response: ServerResponse, url: URL): Promise<void> {
    const payload = /^\/runs\/([^/]+)\/(?:payload|stages\/([^/]+))\/([A-Za-z]+)$/.exec(url.pathname);
    if (payload && options.reader.capabilities.runs) {
      const address = {
        runId: decodePathPart(payload[1]!, "The run id in the address"),
        ...(payload[2] === undefined ? {} : { stageRecordId: decodePathPart(payload[2], "The stage id in the address") }),
        name: payload[3]!,
      };
      if (url.searchParams.get("whole") === "1") return send(response, 200, "application/json; charset=utf-8", await payloadWhole(options.reader, address));
      return send(response, 200, "text/html; charset=utf-8", await payloadFragment(options.reader, address));
    }
    for (const [pattern, needs, handler] of routes) {
      const match = pattern.exec(url.pathname);
      if (!match || !options.reader.capabilities[needs]) continue;
      const ctx: PageContext = { reader: options.reader, params: url.searchParams, writes: options.cancelRun !== undefined, replays: options.replayDeadLetters !== undefined, liveMs, formToken: csrf };
      const result = await handler(ctx, match);
      if (result.kind === "redirect") return text(response, 303, "", { Location: result.location });
      if (request.headers["x-kwp-fragment"] === "main") return send(response, result.status ?? 200, "text/html; charset=utf-8", boxTables(result.main));
      const pageOptions = { title: result.title, section: result.section, capabilities: options.reader.capabilities, label: options.label, ...(result.liveMs ? { liveMs: result.liveMs } : {}) };
      return send(response, result.status ?? 200, "text/html; charset=utf-8", page(pageOptions, result.main));
    }
    return errorPage(response, 404, "Not found", `Nothing here: ${url.pathname}`);
  }

  return async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const url = new URL(request.url ?? "/", "http://inspector.invalid");
    try {
      if (loopback && !loopbackHostAllowed(request.headers.host, port())) return text(response, 421, "Misdirected request: this inspector answers on its loopback address only\n");
      const asset = UI_ASSETS[url.pathname];
      if (asset && (request.method === "GET" || request.method === "HEAD")) return send(response, 200, asset.type, asset.body(), { "Cache-Control": "no-cache" });

      const cookieName = tokenCookie(port());
      const auth = authorize(request, url, options.token, cookieName);
      if (auth === "none" || auth === "wrong") {
        return barePageOf(response, 401, "Unauthorized", auth === "wrong" ? "This token is not this inspector's: open the URL kwp ui printed." : "Open the URL kwp ui printed (it carries the token).");
      }
      if (auth === "query") {
        // The token goes into a cookie and out of the address bar (and out of shared links).
        url.searchParams.delete("token");
        const location = `${url.pathname}${url.search}`;
        return text(response, 303, "", {
          Location: location === "/" ? "/runs" : location,
          "Set-Cookie": `${cookieName}=${encodeURIComponent(options.token)}; HttpOnly; SameSite=Strict; Path=/`,
        });
      }
      if (url.pathname === "/metrics" && request.method === "GET") return send(response, 200, PROMETHEUS_CONTENT_TYPE, await options.metrics.collect());
      if (url.pathname === "/" && request.method === "GET") return text(response, 302, "", { Location: "/runs" });
      if (request.method === "POST") return await write(request, response, url);
      if (request.method !== "GET" && request.method !== "HEAD") return text(response, 405, "Method not allowed\n", { Allow: "GET, HEAD" });
      return await read(request, response, url);
    } catch (error) {
      if (response.headersSent) return void response.destroy();
      if (error instanceof BadRequest) return errorPage(response, 400, "Bad request", error.message);
      if (error instanceof ConsoleQueryTimeoutError) return errorPage(response, 504, "Timed out", `${error.message}: narrow the filters and try again.`);
      if (error instanceof ValidationError) return errorPage(response, 400, "Bad request", error.message);
      if (error instanceof NotFoundError) return errorPage(response, 404, "Not found", error.message);
      return errorPage(response, 500, "Error", error instanceof Error ? error.message : String(error));
    }
  };
}

/**
 * A request Node's parser refused before the handler saw it: a head over
 * MAX_HEADER_BYTES gets 431 with a sentence saying what to shorten (Node's
 * own answer has an empty body), anything else a plain 400.
 */
function answerUnreadable(error: Error & { code?: string }, socket: Socket): void {
  if (!socket.writable) return void socket.destroy();
  const [status, body] =
    error.code === "HPE_HEADER_OVERFLOW"
      ? ["431 Request Header Fields Too Large", `The request's address and headers are longer than ${MAX_HEADER_BYTES / 1024} KB: shorten the filters in the address, or clear this site's cookies.\n`]
      : ["400 Bad Request", "The inspector could not read this request.\n"];
  socket.end(`HTTP/1.1 ${status}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
}

/** Starts the inspector on `host:port` (port 0: any free one); resolves once it listens. */
export async function startUiServer(options: UiServerOptions & { host: string; port: number }): Promise<{ server: Server; url: string; close(): Promise<void> }> {
  let bound = options.port;
  const loopback = isLoopback(options.host);
  const handler = createUiHandler(options, () => bound, loopback);
  const server = createServer({ maxHeaderSize: MAX_HEADER_BYTES }, (request, response) => void handler(request, response));
  server.on("clientError", answerUnreadable);
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
