import { sql } from "kysely";

/**
 * `status = 'RUNNING'` written as a filter no index can answer, so that an
 * acknowledgement finds its rows by primary key whatever the statistics say.
 * As a plain comparison, PostgreSQL and SQLite alike (once ANALYZE had seen
 * few RUNNING jobs) read every RUNNING job through the (status, nextPollAt)
 * index and filtered them by id: each acknowledgement cost O(jobs in flight). The benchmark found it;
 * test/database/query-plans.test.ts keeps it from coming back.
 */
export const isRunning = sql<boolean>`cast(${sql.ref("status")} as text) = ${sql.lit("RUNNING")}`;
