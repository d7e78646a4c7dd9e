import type { Kysely } from "kysely";
import { createKyselyAICallLogger } from "../../ai-calls/kysely-ai-call-logger.js";
import { createKyselyAICallLogger10 } from "../../ai-calls/kysely-ai-call-logger-1.0.js";
import type { ContractVersion } from "../../database/migrations/contract-versions.js";
import { createKyselyWorkflowPersistence } from "../../persistence/kysely-workflow-persistence.js";
import { createKyselyWorkflowPersistence012 } from "../../persistence/kysely-workflow-persistence-0.12.js";
import { createKyselyWorkflowPersistence10 } from "../../persistence/kysely-workflow-persistence-1.0.js";
import { createKyselyJobQueue } from "../../queue/kysely-job-queue.js";
import { createKyselyJobQueue012 } from "../../queue/kysely-job-queue-0.12.js";
import { createKyselyJobQueue10 } from "../../queue/kysely-job-queue-1.0.js";
import { createKyselyStepLedger } from "../../steps/kysely-step-ledger.js";
import type { AICallLogger } from "../../interfaces/ai-call-logger.js";
import type { JobQueue } from "../../interfaces/job-queue.js";
import type { WorkflowPersistence } from "../../interfaces/workflow-persistence.js";
import { demoJobClaimer, readySuspendedDemoJobs } from "./demo-claims.js";
import { DEMO_DEFINITIONS, DEMO_PIPELINE, DEMO_TENANTS, DEMO_WORKFLOW, DEMO_WORKFLOW_10 } from "./demo-pipeline.js";
import { demoPublisher } from "./demo-publisher.js";
import { runDemoWorker } from "./demo-worker.js";
import { runDemoWorker10, type DemoRunConfig } from "./demo-worker-1.0.js";
import { setTimeout as sleep } from "node:timers/promises";

/** What one demo needs from its contract's objects: the runs it creates, the worker loops, the logger it reports from. */
export interface DemoSession {
  readonly contract: ContractVersion;
  /** The fairness cap per tenant (1.0), for the summary. */
  readonly fairnessCap?: number;
  readonly aiCalls: Pick<AICallLogger, "getStats" | "close">;
  /** Creates this demo's run `id` (the i-th, from 0). */
  createRun(id: string, index: number): Promise<void>;
  /** Runs `workers` loops until every run finished or `signal` aborts. */
  work(shared: { unclaimed: string[]; isDone: () => boolean }, signal: AbortSignal): Promise<void>;
  /**
   * Runs the session adds of its own and leaves unfinished on purpose (1.0: one
   * run that waits a day for its reviewer, so the inspector's Suspended page
   * has something to show); cancelled with the others when the demo is stopped.
   */
  readonly waitingRunIds: readonly string[];
  close(): Promise<void>;
}

export interface DemoSessionOptions {
  workers: number;
  runPrefix: string;
  workMs: number;
  reviewDelayMs: number;
}

export function demoSession(db: Kysely<any>, contract: ContractVersion, options: DemoSessionOptions): DemoSession {
  return contract === "1.0" ? session10(db, options) : sessionBefore10(db, contract, options);
}

/** 0.1 and 0.12: the pipeline through those contracts' persistence and queue; the demo's claims are limited to its runs by id. */
function sessionBefore10(db: Kysely<any>, contract: "0.1" | "0.12", options: DemoSessionOptions): DemoSession {
  const persistence: WorkflowPersistence = contract === "0.1" ? createKyselyWorkflowPersistence(db) : (createKyselyWorkflowPersistence012(db) as never);
  const aiCalls = createKyselyAICallLogger(db, { flushIntervalMs: 200 });
  const workerIds = Array.from({ length: options.workers }, (_, i) => `demo-worker-${i + 1}`);
  const queues = workerIds.map((workerId) => (contract === "0.1" ? createKyselyJobQueue(db, { workerId }) : (createKyselyJobQueue012(db, { workerId }) as unknown as JobQueue)));
  return {
    contract,
    aiCalls,
    waitingRunIds: [],
    async createRun(id, index) {
      await persistence.createRun({ ...DEMO_WORKFLOW, id, input: { document: `report-${index + 1}.pdf` }, priority: 5 });
    },
    async work(shared, signal) {
      const deps = {
        persistence, aiCalls, ...shared, runPrefix: options.runPrefix, reviewDelayMs: options.reviewDelayMs, workMs: options.workMs,
        readySuspended: () => readySuspendedDemoJobs(db, options.runPrefix),
        ...(contract === "0.12" ? { workflowId: DEMO_WORKFLOW.workflowId } : {}),
      };
      await Promise.all(queues.map((queue, i) => runDemoWorker({ ...deps, queue, claim: demoJobClaimer(db, options.runPrefix, workerIds[i]!, contract) }, signal)));
    },
    async close() {
      await aiCalls.close();
      await Promise.all(queues.map((queue) => queue.close()));
    },
  };
}

/**
 * 1.0: definitions v1 and v2 registered and served; every run pinned to one,
 * in a tenant's fairness group; the showcase run (the first) has a stage rerun
 * that supersedes an acknowledgement and an outbox event that is dead-lettered.
 */
function session10(db: Kysely<any>, options: DemoSessionOptions): DemoSession {
  const persistence = createKyselyWorkflowPersistence10(db);
  const aiCalls = createKyselyAICallLogger10(db, { flushIntervalMs: 200 });
  const steps = createKyselyStepLedger(db);
  const fairnessCap = Math.max(1, Math.ceil(options.workers / DEMO_TENANTS.length));
  const queues = Array.from({ length: options.workers }, (_, i) =>
    createKyselyJobQueue10(db, { workerId: `demo-worker-${i + 1}`, fairness: { maxConcurrentPerGroup: fairnessCap } }),
  );
  const serves = DEMO_DEFINITIONS.map((definition) => ({ workflowId: DEMO_WORKFLOW_10.workflowId, version: definition.version }));
  let created = 0;
  let registered = false;
  const waitingRunId = `${options.runPrefix}waiting`;
  const session: DemoSession = {
    contract: "1.0",
    fairnessCap,
    aiCalls,
    waitingRunIds: [waitingRunId],
    async createRun(id, index) {
      if (!registered) {
        for (const definition of DEMO_DEFINITIONS) {
          await persistence.insertDefinitionIfAbsent({
            workflowId: DEMO_WORKFLOW_10.workflowId, version: definition.version, snapshot: { stages: definition.stages }, structureHash: `demo-${definition.version}`,
          });
        }
        registered = true;
      }
      const version = index % 5 === 4 ? "v1" : "v2";
      const tenant = DEMO_TENANTS[index % DEMO_TENANTS.length]!;
      created++;
      const config: DemoRunConfig = id === waitingRunId ? { reviewWaitMs: 86_400_000 } : index === 0 ? { showcase: true } : {};
      await persistence.createRun({
        ...DEMO_WORKFLOW_10, id, input: { document: `report-${index + 1}.pdf`, tenant }, config: { stages: DEMO_PIPELINE.length, ...config }, priority: 5,
        definitionVersion: version, metadata: { tenant },
      });
    },
    async work(shared, signal) {
      await session.createRun(waitingRunId, created);
      shared.unclaimed.push(waitingRunId);
      // Done once the demo's runs are, and the waiting run sits at its review
      // (read from the database: another demo's worker may have taken it there).
      let waiting = false;
      const watch = (async () => {
        while (!waiting && !signal.aborted) {
          waiting = (await persistence.getStage(waitingRunId, "review"))?.status === "SUSPENDED";
          if (!waiting) await sleep(100);
        }
      })();
      const deps = {
        persistence, steps, aiCalls, serves, ...shared, runPrefix: options.runPrefix, workMs: options.workMs, reviewDelayMs: options.reviewDelayMs,
        isDone: () => waiting && shared.isDone(),
        publish: demoPublisher(db, persistence),
      };
      await Promise.all(queues.map((queue) => runDemoWorker10({ ...deps, queue }, signal)));
      await watch;
    },
    async close() {
      await aiCalls.close();
      await Promise.all(queues.map((queue) => queue.close()));
    },
  };
  return session;
}
