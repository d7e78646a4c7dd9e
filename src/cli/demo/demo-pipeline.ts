/**
 * The demo's workflow: a document pipeline with a sequential start, a group of
 * three stages that run in parallel, a human-review stage that suspends and is
 * resumed by polling, a stage whose first attempt fails and is retried, and a
 * final stage. Stages that "call a model" log AI calls.
 */
export interface DemoStage {
  stageId: string;
  stageName: string;
  executionGroup: number;
  stageNumber: number;
  behaviour: "work" | "suspend-for-review" | "fail-first-attempt";
  /** Simulated model calls made by the stage: model key per call. */
  aiCalls: Array<keyof typeof DEMO_MODELS>;
}

export const DEMO_WORKFLOW = { workflowId: "document-pipeline", workflowName: "Document pipeline", workflowType: "document-pipeline" };

/** Prices per token, in dollars. */
export const DEMO_MODELS = {
  "fast-model": { modelId: "demo/fast-1", input: 0.15e-6, output: 0.6e-6 },
  "smart-model": { modelId: "demo/smart-2", input: 3e-6, output: 15e-6 },
} as const;

export const DEMO_PIPELINE: readonly DemoStage[] = [
  { stageId: "fetch", stageName: "Fetch document", executionGroup: 1, stageNumber: 1, behaviour: "work", aiCalls: [] },
  { stageId: "extract-text", stageName: "Extract text", executionGroup: 2, stageNumber: 1, behaviour: "work", aiCalls: ["fast-model"] },
  { stageId: "extract-tables", stageName: "Extract tables", executionGroup: 2, stageNumber: 2, behaviour: "work", aiCalls: ["fast-model"] },
  { stageId: "classify", stageName: "Classify", executionGroup: 2, stageNumber: 3, behaviour: "work", aiCalls: ["fast-model", "smart-model"] },
  { stageId: "review", stageName: "Await review", executionGroup: 3, stageNumber: 1, behaviour: "suspend-for-review", aiCalls: [] },
  { stageId: "summarize", stageName: "Summarize", executionGroup: 4, stageNumber: 1, behaviour: "fail-first-attempt", aiCalls: ["smart-model"] },
  { stageId: "publish", stageName: "Publish report", executionGroup: 5, stageNumber: 1, behaviour: "work", aiCalls: [] },
];

export const LAST_GROUP = Math.max(...DEMO_PIPELINE.map((stage) => stage.executionGroup));

export function stagesOfGroup(group: number): DemoStage[] {
  return DEMO_PIPELINE.filter((stage) => stage.executionGroup === group);
}

export function demoStage(stageId: string): DemoStage {
  const stage = DEMO_PIPELINE.find((candidate) => candidate.stageId === stageId);
  if (!stage) throw new Error(`demo: unknown stage ${stageId}`);
  return stage;
}

/**
 * The 1.0 demo's workflow: the same pipeline, under a workflow id of its own
 * so its workers can claim their jobs through the contract's own `serves`
 * filter (`dequeue({ serves })`) and never an application's.
 */
export const DEMO_WORKFLOW_10 = { workflowId: "kwp-demo.document-pipeline", workflowName: "Document pipeline", workflowType: "document-pipeline" };

/** Two registered definition versions: most runs are pinned to v2, every fifth to v1; a demo host serves both. */
export const DEMO_DEFINITIONS = [
  { version: "v1", stages: DEMO_PIPELINE.filter((stage) => stage.stageId !== "classify").map((stage) => stage.stageId) },
  { version: "v2", stages: DEMO_PIPELINE.map((stage) => stage.stageId) },
] as const;

/** Fairness groups (tenants): runs take turns; a group holds at most `cap` RUNNING jobs. */
export const DEMO_TENANTS = ["tenant-acme", "tenant-globex", "tenant-initech"] as const;
