import { createHmac } from "node:crypto";
import type { IncomingMessage } from "node:http";
import { sameSecret } from "./ui-auth.js";

/** The form field every write carries. */
export const FORM_TOKEN_FIELD = "form_token";

/** A write's body is a one-field form: anything longer is not one of ours. */
export const MAX_FORM_BYTES = 4_096;

/**
 * The token the inspector's own forms carry (the synchronizer-token pattern):
 * derived from the session token, so it is the same for every page of one
 * inspector and unknown to any page that is not served by it.
 */
export const formToken = (sessionToken: string): string => createHmac("sha256", sessionToken).update("kwp ui form").digest("base64url");

/**
 * Why a write must be refused, or null when it came from one of this
 * inspector's own pages. Three checks, each enough on its own against a form
 * or a fetch from another page: the form token (another page cannot read
 * it); the browser's Sec-Fetch-Site, which must say same-origin when sent;
 * and Origin, which must be this inspector's when sent (Chromium sends
 * "null" for a same-origin form under some referrer policies: accepted only
 * beside Sec-Fetch-Site: same-origin). The cookie is SameSite=Strict too,
 * but 127.0.0.1:other-port is the same site, so that alone would not do.
 */
export function writeRefusal(request: IncomingMessage, form: URLSearchParams, sessionToken: string): string | null {
  const site = request.headers["sec-fetch-site"];
  if (site !== undefined && site !== "same-origin") return `the browser says this request came from another ${site === "same-site" ? "origin on this site" : "site"}`;
  const origin = request.headers.origin;
  if (origin !== undefined && origin !== `http://${request.headers.host}` && !(origin === "null" && site === "same-origin")) return `it came from ${origin}`;
  if (!sameSecret(form.get(FORM_TOKEN_FIELD) ?? undefined, formToken(sessionToken))) return "the form carries no token of this inspector's (reload the page and try again)";
  return null;
}

/** Reads a urlencoded form body of at most MAX_FORM_BYTES; null when it is longer. */
export async function readForm(request: IncomingMessage): Promise<URLSearchParams | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_FORM_BYTES) return null;
    chunks.push(chunk as Buffer);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString("utf8"));
}
