import { createRequire } from "node:module";
import type * as OpenTelemetryApi from "@opentelemetry/api";

/** The OpenTelemetry API as this library uses it (an optional peer dependency). */
export type OpenTelemetry = typeof OpenTelemetryApi;

/** The library's instrumentation scope: its tracer's and its meter's name. */
export const INSTRUMENTATION_SCOPE = "kysely-workflow-persistence";

const requireFromHere = createRequire(import.meta.url);
let loaded: OpenTelemetry | null | undefined;

/**
 * `@opentelemetry/api`, loaded once on first use; undefined when the
 * application did not install it, and then no call makes a span or pays for
 * one. Installed without an SDK, the API hands out non-recording spans.
 * `require` is the loader (a test passes one that finds nothing).
 */
export function openTelemetry(require: (name: string) => unknown = requireFromHere): OpenTelemetry | undefined {
  if (loaded === undefined) loaded = load(require);
  return loaded ?? undefined;
}

function load(require: (name: string) => unknown): OpenTelemetry | null {
  try {
    return require("@opentelemetry/api") as OpenTelemetry;
  } catch (error) {
    if ((error as { code?: string }).code === "MODULE_NOT_FOUND") return null;
    throw error;
  }
}

/** Forgets what was loaded (tests of the absent API). */
export function resetOpenTelemetry(): void {
  loaded = undefined;
}
