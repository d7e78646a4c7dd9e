/**
 * How a benchmark process is wired for OpenTelemetry, one of the four ways an
 * application may run the library: without the API installed, with the API
 * and no SDK, with the SDK and an always-off sampler, and with the SDK
 * recording every span into a batch processor (its exporter drops them: the
 * cost measured is the library's and the SDK's, not a collector's).
 */
import { context, trace } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { AlwaysOffSampler, BasicTracerProvider, BatchSpanProcessor, type ReadableSpan, type SpanExporter } from "@opentelemetry/sdk-trace-base";
import { openTelemetry } from "../../src/telemetry/open-telemetry.js";

export const TELEMETRY_MODES = ["no OpenTelemetry", "API, no SDK", "SDK, always-off sampler", "SDK recording, batch processor"] as const;
export type TelemetryMode = (typeof TELEMETRY_MODES)[number];

/** Counts what it is handed and drops it. */
class CountingExporter implements SpanExporter {
  spans = 0;
  export(spans: ReadableSpan[], done: (result: { code: number }) => void): void {
    this.spans += spans.length;
    done({ code: 0 });
  }
  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}

/** Wires this process; returns how to end it (flushes the batch processor) and how many spans it exported. */
export function wireTelemetry(mode: TelemetryMode): { end(): Promise<number> } {
  if (mode === "no OpenTelemetry") {
    // As if the package were not installed: the loader finds nothing, and the library never asks again.
    const absent = Object.assign(new Error("Cannot find module '@opentelemetry/api'"), { code: "MODULE_NOT_FOUND" });
    openTelemetry(() => {
      throw absent;
    });
    return { end: async () => 0 };
  }
  if (mode === "API, no SDK") return { end: async () => 0 };
  const exporter = new CountingExporter();
  const provider = new BasicTracerProvider(
    mode === "SDK, always-off sampler" ? { sampler: new AlwaysOffSampler() } : { spanProcessors: [new BatchSpanProcessor(exporter)] },
  );
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  trace.setGlobalTracerProvider(provider);
  return {
    async end() {
      await provider.forceFlush();
      await provider.shutdown();
      return exporter.spans;
    },
  };
}
