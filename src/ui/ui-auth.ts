import { randomBytes, timingSafeEqual } from "node:crypto";
import type { IncomingMessage } from "node:http";

/**
 * The cookie a browser keeps the token in once it opened the printed URL.
 * Cookies ignore ports, so the name carries the inspector's: two inspectors
 * side by side on 127.0.0.1 keep a cookie each instead of overwriting one.
 */
export const tokenCookie = (port: number): string => `kwp_ui_token_${port}`;

/** A fresh token: 24 random bytes, URL-safe. */
export const newToken = (): string => randomBytes(24).toString("base64url");

/** Compares in constant time. */
export const sameSecret = (given: string | undefined, secret: string): boolean => {
  if (given === undefined) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(secret);
  return a.length === b.length && timingSafeEqual(a, b);
};

function cookieOf(request: IncomingMessage, name: string): string | undefined {
  for (const part of (request.headers.cookie ?? "").split(";")) {
    const [key, ...value] = part.trim().split("=");
    if (key !== name) continue;
    try {
      return decodeURIComponent(value.join("="));
    } catch {
      return value.join("=");
    }
  }
  return undefined;
}

export type Credential = "cookie" | "query" | "bearer" | "none" | "wrong";

/**
 * How a request proves it may read: the token in the URL (the printed link;
 * answered with the cookie and a redirect without it; a wrong one is refused,
 * as a sign-in with the wrong password is), the cookie, or a bearer header
 * (for a Prometheus scrape of /metrics). Between the cookie and the header a
 * valid one wins over a wrong one beside it (a stale Authorization header a
 * proxy or an extension adds does not log out a browser holding the right
 * cookie); "wrong" only when something was presented and none of it is the
 * token.
 */
export function authorize(request: IncomingMessage, url: URL, token: string, cookieName: string): Credential {
  const query = url.searchParams.get("token");
  if (query !== null) return sameSecret(query, token) ? "query" : "wrong";
  const presented: Array<["cookie" | "bearer", string | undefined]> = [
    ["cookie", cookieOf(request, cookieName)],
    ["bearer", /^Bearer (.+)$/.exec(request.headers.authorization ?? "")?.[1]],
  ];
  const valid = presented.find(([, value]) => sameSecret(value, token));
  if (valid) return valid[0];
  return presented.some(([, value]) => value !== undefined) ? "wrong" : "none";
}

/** Whether `host` (the Host header) names this loopback server: a page on another name (DNS rebinding) is refused. */
export function loopbackHostAllowed(host: string | undefined, port: number): boolean {
  return ["127.0.0.1", "localhost", "[::1]"].some((name) => host === `${name}:${port}`);
}

export const isLoopback = (host: string) => host === "127.0.0.1" || host === "localhost" || host === "::1";
