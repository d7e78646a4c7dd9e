/** What the telemetry suite times under each mode: a whole run's lifecycle, and one job through the queue. */
export const TELEMETRY_WORKLOADS = ["run with 10 stages in 3 groups", "job enqueued, claimed, completed"] as const;
export type TelemetryWorkload = (typeof TELEMETRY_WORKLOADS)[number];
