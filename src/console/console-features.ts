import type { ContractVersion } from "../database/migrations/contract-versions.js";
import type { ConsoleCapabilities } from "./console-types.js";

/**
 * What each contract's schema lets the console read: the one place where
 * the read port's queries differ by contract. 0.1 has runs, stages, logs,
 * the queue and AI calls; 0.12 adds attempts, run metadata, annotations and
 * the outbox (events, dead letters); 1.0 adds definition versions, redrives
 * and the step ledger.
 */
export interface ConsoleFeatures {
  readonly contract: ContractVersion;
  /** workflow_runs.metadata and workflow_stages.attempt (0.12). */
  readonly attempts: boolean;
  /** outbox_events and workflow_annotations (0.12). */
  readonly outbox: boolean;
  /** workflow_runs.definitionVersion and redriveCount (1.0). */
  readonly definitionVersions: boolean;
  /** workflow_steps (1.0). */
  readonly steps: boolean;
}

export function consoleFeatures(contract: ContractVersion): ConsoleFeatures {
  const from012 = contract !== "0.1";
  const from10 = contract === "1.0";
  return { contract, attempts: from012, outbox: from012, definitionVersions: from10, steps: from10 };
}

export function capabilitiesOf(features: ConsoleFeatures): ConsoleCapabilities {
  return {
    runs: true,
    steps: features.steps,
    annotations: features.outbox,
    queue: true,
    suspended: true,
    deadLetters: features.outbox,
    workers: true,
    costs: true,
  };
}
