import { sql } from "kysely";

/**
 * `limit 1` written into the SQL instead of bound as a parameter. On
 * PostgreSQL this library runs queries as named prepared statements; with
 * `limit $n`, the generic plan PostgreSQL would cache cannot know the limit is
 * 1, costs more than a fresh plan, and so the statement is planned anew on
 * every call. Measured on a job claim: 0.41 ms instead of 0.58 ms per call on
 * one connection. A constant, never a caller's value. Job claims write their
 * limit into the SQL the same way (queue/claim-jobs.ts).
 */
export const limitOne = sql.lit(1);
