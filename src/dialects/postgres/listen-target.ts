import type pg from "pg";

/** How the job queue opens its LISTEN connection: on the pool's server (found as the pool finds it), never from the pool. */
export interface ListenTarget {
  connect(): Promise<pg.Client>;
}
