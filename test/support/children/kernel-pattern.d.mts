// Types of kernel-pattern.mjs, for the test that runs it in its own process.
export declare const STAGES: readonly string[];
export declare function rollsBack(workflowRunId: string, stageId: string): boolean;
export declare function kernelWorkerLoop(
  persistence: unknown,
  queue: unknown,
  runCount: number,
): Promise<{ claimed: number; transitions: number; rolledBack: number }>;
