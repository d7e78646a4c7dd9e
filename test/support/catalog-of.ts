import { readPostgresCatalog, readSqliteCatalog, type Catalog } from "./schema-catalog.js";
import type { TestDatabase } from "./test-databases.js";

export function catalogOf(database: TestDatabase): Promise<Catalog> {
  return database.databaseType === "postgresql"
    ? readPostgresCatalog(database.url)
    : Promise.resolve(readSqliteCatalog(database.url.slice("sqlite:".length)));
}
