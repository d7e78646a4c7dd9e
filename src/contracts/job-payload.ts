/** The payload key the engine's own 0.12 queue keeps a job's workflowId under (and strips when it reads the job). */
export const WORKFLOW_ID_PAYLOAD_KEY = "_workflowId";
