import { randomBytes, timingSafeEqual } from "node:crypto";
import type { IncomingMessage } from "node:http";

/** The cookie a browser keeps the token in once it opened the printed URL. */
export const TOKEN_COOKIE = "kwp_ui_token";

/** A fresh token: 24 random bytes, URL-safe. */
export const newToken = (): string => randomBytes(24).toString("base64url");

const same = (given: string | undefined, token: string): boolean => {
  if (given === undefined) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
};

function cookieOf(request: IncomingMessage, name: string): string | undefined {
  for (const part of (request.headers.cookie ?? "").split(";")) {
    const [key, ...value] = part.trim().split("=");
    if (key === name) return decodeURIComponent(value.join("="));
  }
  return undefined;
}

/**
 * How a request proves it may read: the token in the URL (the printed link;
 * answered with the cookie and a redirect without it), the cookie, or a
 * bearer header (for a Prometheus scrape of /metrics).
 */
export function authorize(request: IncomingMessage, url: URL, token: string): "cookie" | "query" | "bearer" | "none" | "wrong" {
  const query = url.searchParams.get("token");
  if (query !== null) return same(query, token) ? "query" : "wrong";
  const bearer = /^Bearer (.+)$/.exec(request.headers.authorization ?? "")?.[1];
  if (bearer !== undefined) return same(bearer, token) ? "bearer" : "wrong";
  const cookie = cookieOf(request, TOKEN_COOKIE);
  if (cookie !== undefined) return same(cookie, token) ? "cookie" : "wrong";
  return "none";
}

/** Whether `host` (the Host header) names this loopback server: a page on another name (DNS rebinding) is refused. */
export function loopbackHostAllowed(host: string | undefined, port: number): boolean {
  return ["127.0.0.1", "localhost", "[::1]"].some((name) => host === `${name}:${port}`);
}

export const isLoopback = (host: string) => host === "127.0.0.1" || host === "localhost" || host === "::1";
