/**
 * Where a database handle's statements go, for the spans' `server.address`,
 * `server.port` and `db.namespace` attributes: openDatabase records it from
 * the URL (PostgreSQL: the first host of a list and the database; SQLite: the
 * file). A Kysely instance built elsewhere has none, and the spans then name
 * the database system alone.
 */
export interface DatabaseEndpoint {
  namespace?: string | undefined;
  address?: string | undefined;
  port?: number | undefined;
}

const endpoints = new WeakMap<object, DatabaseEndpoint>();

export function rememberEndpoint(db: object, endpoint: DatabaseEndpoint): void {
  endpoints.set(db, endpoint);
}

export function endpointOf(db: object): DatabaseEndpoint | undefined {
  return endpoints.get(db);
}
