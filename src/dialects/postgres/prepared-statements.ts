import type pg from "pg";

/** How many distinct statements get a server-side name; further ones run unnamed. */
const MAX_NAMED_STATEMENTS = 512;
/** "cached plan must not change result type": a table changed under a prepared statement. */
const FEATURE_NOT_SUPPORTED = "0A000";

/**
 * Runs parameterised queries as named prepared statements, so PostgreSQL
 * parses and plans each distinct statement once per connection instead of on
 * every call (the library's claim statement spends more time being planned
 * than executed). Statements without parameters (DDL, BEGIN/COMMIT) run as
 * before. One namer serves a pool: a name means the same text on every
 * connection, each preparing it on first use.
 *
 * A statement prepared before a DDL change to its table (an application adding
 * a column) fails once with "cached plan must not change result type"; it is
 * then prepared again under a new name and retried.
 */
export function namedStatements(): (client: pg.PoolClient, text: string, values: readonly unknown[]) => Promise<pg.QueryResult> {
  const names = new Map<string, string>();
  let generation = 0;
  const nameFor = (text: string): string | undefined => {
    let name = names.get(text);
    if (name === undefined && names.size < MAX_NAMED_STATEMENTS) {
      name = `kwp_${++generation}`;
      names.set(text, name);
    }
    return name;
  };
  return async (client, text, values) => {
    const name = values.length > 0 ? nameFor(text) : undefined;
    if (name === undefined) return client.query(text, values as unknown[]);
    try {
      return await client.query({ name, text, values: values as unknown[] });
    } catch (error) {
      if ((error as { code?: string }).code !== FEATURE_NOT_SUPPORTED || names.get(text) !== name) throw error;
      names.delete(text);
      return client.query({ name: nameFor(text), text, values: values as unknown[] });
    }
  };
}
