import { sql, type Expression, type SqlBool } from "kysely";

/** A (workflowId, version) pair a host serves (the engine's ServedDefinition). */
export interface Served {
  workflowId: string;
  version: string;
}

/**
 * The engine's 1.0 rule for what a host serves, over any pair of
 * expressions (a run's columns, or the keys a job keeps in its payload): a
 * row pinned to a version is served when its (workflowId, version) pair is
 * one of `serves`; an unpinned row (version NULL, from before pinning) when
 * one of the pairs names its workflow. Written as row-value IN over a VALUES
 * list, which both databases plan as a lookup; every value is bound.
 * `serves` must not be empty (callers return "nothing" without a query).
 */
export function servedBy(
  workflowId: Expression<unknown>,
  version: Expression<unknown>,
  serves: readonly Served[],
): Expression<SqlBool> {
  const pairs = sql.join(serves.map((served) => sql`(${served.workflowId}, ${served.version})`));
  const workflows = sql.join([...new Set(serves.map((served) => served.workflowId))].map((id) => sql`(${id})`));
  return sql<SqlBool>`((${version} is not null and (${workflowId}, ${version}) in (values ${pairs}))
    or (${version} is null and ${workflowId} in (values ${workflows})))`;
}
