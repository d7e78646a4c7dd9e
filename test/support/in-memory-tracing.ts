import { context, trace } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from "@opentelemetry/sdk-trace-base";
import { afterAll, beforeAll } from "vitest";

/**
 * OpenTelemetry wired for a test file as an application wires it (the SDK's
 * tracer provider, the async-hooks context manager), spans kept in memory:
 * registered before the file's tests, taken down after them.
 */
export function useInMemoryTracing(): { exporter: InMemorySpanExporter; named(name: string): ReadableSpan[] } {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  beforeAll(() => {
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    trace.setGlobalTracerProvider(provider);
  });
  afterAll(async () => {
    await provider.shutdown();
    trace.disable();
    context.disable();
  });
  return { exporter, named: (name) => exporter.getFinishedSpans().filter((span) => span.name === name) };
}
