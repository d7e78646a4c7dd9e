// Types of contract-1.0-rounds.mjs, for the test that runs it in its own process.
export declare const STAGE_RECORD_ID: string;
export interface Fence {
  startedAt: string;
  attempt: number;
}
export declare function raceRounds(
  objects: { ledger: unknown; persistence: unknown; queue: unknown; fairQueue: unknown },
  task: string,
  rounds: number,
  racer: number,
  fences?: Array<{ jobId: string; first: Fence; second: Fence }>,
): Promise<string[]>;
