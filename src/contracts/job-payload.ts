/** The payload key the engine's own 0.12 queue keeps a job's workflowId under (and strips when it reads the job). */
export const WORKFLOW_ID_PAYLOAD_KEY = "_workflowId";
/** 1.0: where a job's fairness group (EnqueueJobInput.groupKey) is kept. */
export const GROUP_KEY_PAYLOAD_KEY = "_groupKey";
/** 1.0: where the definition version of a job's run is kept, for `dequeue({ serves })`. */
export const DEFINITION_VERSION_PAYLOAD_KEY = "_definitionVersion";
