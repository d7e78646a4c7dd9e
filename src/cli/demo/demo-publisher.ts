import type { Kysely } from "kysely";
import { createKyselyConsoleReadPort } from "../../console/kysely-console-read-port.js";
import type { WorkflowPersistenceWithLegacy } from "../../v1.js";

/** The event type the demo's downstream refuses: it goes to the dead letters after three tries. */
export const UNDELIVERABLE_EVENT = "report:published";
const TRIES = 3;

/**
 * The demo's outbox publisher, for one finished run at a time: it reads that
 * run's events (never another run's), marks the delivered ones published,
 * and counts the retries of the one its downstream refuses until it
 * dead-letters it, as the engine's outbox does after its retries.
 */
export function demoPublisher(db: Kysely<any>, persistence: WorkflowPersistenceWithLegacy): (runId: string) => Promise<void> {
  const reader = createKyselyConsoleReadPort(db, { contract: "1.0" });
  return async (runId) => {
    const waiting = (await reader.listRunEvents(runId, 0)).filter((event) => event.publishedAt === null && event.dlqAt === null);
    const delivered = waiting.filter((event) => event.eventType !== UNDELIVERABLE_EVENT);
    if (delivered.length > 0) await persistence.markOutboxEventsPublished(delivered.map((event) => event.id));
    for (const refused of waiting.filter((event) => event.eventType === UNDELIVERABLE_EVENT)) {
      for (let tries = refused.retryCount; tries < TRIES; tries++) await persistence.incrementOutboxRetryCount(refused.id);
      await persistence.moveOutboxEventToDLQ(refused.id);
      await persistence.createLog({ workflowRunId: runId, level: "ERROR", message: `${UNDELIVERABLE_EVENT} refused ${TRIES} times by the downstream: dead-lettered` });
    }
  };
}
