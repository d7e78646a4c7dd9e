import type { Kysely } from "kysely";
import { createKyselyConsoleReadPort } from "../../console/kysely-console-read-port.js";
import type { ContractVersion } from "../../database/migrations/contract-versions.js";
import { NotFoundError } from "../../errors.js";
import { createWorkflowMetrics } from "../../metrics/workflow-metrics.js";
import { createKyselyWorkflowPersistence } from "../../persistence/kysely-workflow-persistence.js";
import { createKyselyWorkflowPersistence012 } from "../../persistence/kysely-workflow-persistence-0.12.js";
import { createKyselyWorkflowPersistence10 } from "../../persistence/kysely-workflow-persistence-1.0.js";
import { createKyselyJobQueue } from "../../queue/kysely-job-queue.js";
import { createKyselyJobQueue012 } from "../../queue/kysely-job-queue-0.12.js";
import { createKyselyJobQueue10 } from "../../queue/kysely-job-queue-1.0.js";
import { newToken } from "../../ui/ui-auth.js";
import { isLoopback } from "../../ui/ui-auth.js";
import { startUiServer } from "../../ui/ui-server.js";
import type { CliContext } from "../cli-context.js";
import { CliError, EXIT } from "../cli-errors.js";
import { INTERRUPTED_EXIT_CODE, onInterrupt } from "../interrupt.js";

export interface UiOptions {
  port: number;
  host: string;
  allowWrites?: boolean;
  token?: string;
  poll: number;
}

const TERMINAL = new Set(["COMPLETED", "FAILED", "CANCELLED", "SKIPPED"]);

/** Each contract's own persistence and queue: a cancel goes through the methods the engine calls. */
const CONTRACT_OBJECTS: Record<ContractVersion, (db: Kysely<any>) => { persistence: any; queue: any }> = {
  "0.1": (db) => ({ persistence: createKyselyWorkflowPersistence(db), queue: createKyselyJobQueue(db, { listen: false }) }),
  "0.12": (db) => ({ persistence: createKyselyWorkflowPersistence012(db), queue: createKyselyJobQueue012(db, { listen: false }) }),
  "1.0": (db) => ({ persistence: createKyselyWorkflowPersistence10(db), queue: createKyselyJobQueue10(db, { listen: false }) }),
};

/**
 * `kwp ui`: the inspector over the console read port, until Ctrl-C. It binds
 * 127.0.0.1 unless --host says otherwise, prints a URL carrying a random
 * token (a request without it gets 401), and only reads unless --allow-writes
 * (cancel a run; replay dead letters, 0.12 and later).
 */
export async function uiCommand(cli: CliContext, options: UiOptions): Promise<void> {
  if (options.token !== undefined && options.token.length < 16) throw new CliError("--token must be at least 16 characters", EXIT.usage);
  const contract = await cli.contract();
  const reader = createKyselyConsoleReadPort(cli.db, { contract });
  // A first read before listening: an unmigrated database is refused here, not on every page.
  await reader.listRuns({ limit: 1 });
  const metrics = createWorkflowMetrics(cli.db);
  const token = options.token ?? newToken();

  let cancelRun: ((runId: string) => Promise<"cancelled" | "finished">) | undefined;
  let replayDeadLetters: ((maxEvents: number) => Promise<number>) | undefined;
  if (options.allowWrites) {
    await cli.verifiedQueryContext();
    const { persistence, queue } = CONTRACT_OBJECTS[contract](cli.db);
    // One transaction: the run's status and its jobs' cancellation (the queue call joins it).
    cancelRun = (runId) =>
      persistence.withTransaction(async (tx: any) => {
        const run = await tx.getRun(runId);
        if (!run) throw new NotFoundError("cancelRun", "run", runId);
        if (TERMINAL.has(run.status)) return "finished";
        await tx.updateRun(runId, { status: "CANCELLED", completedAt: new Date() });
        await queue.cancelByRun(runId);
        return "cancelled";
      });
    // 0.12 and later: the outbox's own replay (dead letters back to unpublished).
    if (contract !== "0.1") replayDeadLetters = (maxEvents) => persistence.replayDLQEvents(maxEvents);
  }

  const server = await startUiServer({ reader, metrics, token, label: cli.label, liveMs: options.poll, host: options.host, port: options.port, ...(cancelRun ? { cancelRun } : {}), ...(replayDeadLetters ? { replayDeadLetters } : {}) }).catch((error: unknown) => {
    const code = (error as { code?: unknown } | null)?.code;
    if (code === "EADDRINUSE") throw new CliError(`port ${options.port} on ${options.host} is in use: pass --port with another (--port 0 takes any free one)`, EXIT.usage);
    if (code === "EADDRNOTAVAIL") throw new CliError(`cannot listen on ${options.host}: no such address on this machine (--host)`, EXIT.usage);
    throw error;
  });
  // Listening for Ctrl-C (or a supervisor's SIGTERM) before the address is
  // printed: a signal sent as soon as it appears must find the handler there
  // (without one, Node ends the process at once, with no code and no line).
  let stopped!: (signal: NodeJS.Signals | undefined) => void;
  const signalled = new Promise<NodeJS.Signals | undefined>((resolve) => (stopped = resolve));
  const interruption = onInterrupt(() => {
    interruption.dispose();
    stopped(interruption.signal);
  });
  const mode = cancelRun ? `writes allowed: runs can be cancelled${replayDeadLetters ? ", dead letters replayed" : ""}` : "read-only";
  cli.output.result({ url: server.url, host: options.host, port: new URL(server.url).port, readOnly: !cancelRun }, () =>
    [
      `kwp ui on ${cli.label} (${contract} schema, ${mode})`,
      `  open ${server.url}`,
      `  metrics: curl -H 'Authorization: Bearer ${token}' ${new URL(server.url).origin}/metrics`,
      ...(isLoopback(options.host) ? [] : [`  listening on ${options.host}: reachable from other machines by anyone holding the token`]),
      "  Ctrl-C stops it",
    ].join("\n"),
  );
  const signal = await signalled;
  await server.close();
  // As the demo does: one line, and the shell's code for a command stopped by Ctrl-C.
  process.stderr.write(`kwp ui stopped (${signal ?? "SIGINT"})\n`);
  process.exitCode = INTERRUPTED_EXIT_CODE;
}
