import BetterSqlite3 from "better-sqlite3";
import pg from "pg";

/**
 * Reads what the exact-schema guarantee is about from a database's catalog, as
 * plain JSON-comparable data: tables, columns, types, nullability, defaults,
 * enums, indexes, constraints and foreign keys. The migrators' own bookkeeping
 * tables (kysely_migration*) are left out.
 */
export type Catalog = Record<string, unknown>;

const isBookkeeping = (table: string) => table.startsWith("kysely_migration");

export async function readPostgresCatalog(url: string): Promise<Catalog> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const query = async (text: string) => (await client.query(text)).rows;
    const columns = await query(`
      select table_name, ordinal_position, column_name, data_type, udt_name, is_nullable,
             column_default, character_maximum_length, numeric_precision, datetime_precision
      from information_schema.columns
      where table_schema = current_schema()
      order by table_name, ordinal_position`);
    const enums = await query(`
      select t.typname as name, array_agg(e.enumlabel::text order by e.enumsortorder) as labels
      from pg_type t
      join pg_enum e on e.enumtypid = t.oid
      join pg_namespace n on n.oid = t.typnamespace
      where n.nspname = current_schema()
      group by t.typname order by t.typname`);
    const indexes = await query(`
      select tablename, indexname, indexdef from pg_indexes
      where schemaname = current_schema() order by tablename, indexname`);
    const constraints = await query(`
      select conrelid::regclass::text as table_name, conname, contype,
             pg_get_constraintdef(oid) as definition, confupdtype, confdeltype
      from pg_constraint
      where connamespace = current_schema()::regnamespace and conrelid <> 0
      order by conrelid::regclass::text, conname`);
    return {
      columns: columns.filter((c) => !isBookkeeping(c.table_name)),
      enums,
      indexes: indexes.filter((i) => !isBookkeeping(i.tablename)),
      constraints: constraints.filter((c) => !isBookkeeping(c.table_name)),
    };
  } finally {
    await client.end();
  }
}

export function readSqliteCatalog(path: string): Catalog {
  const db = new BetterSqlite3(path, { readonly: true });
  try {
    const objects = db
      .prepare(
        `select type, name, tbl_name from sqlite_master
         where name not like 'sqlite\\_stat%' escape '\\' order by type, name`,
      )
      .all() as { type: string; name: string; tbl_name: string }[];
    const tables = objects
      .filter((o) => o.type === "table" && !isBookkeeping(o.name))
      .map((o) => o.name);
    const catalog: Catalog = {
      objects: objects.filter((o) => !isBookkeeping(o.tbl_name)).map((o) => ({ ...o })),
    };
    for (const table of tables) {
      const quoted = `"${table.replace(/"/g, '""')}"`;
      const indexList = (db.prepare(`pragma index_list(${quoted})`).all() as { name: string }[])
        .map(({ seq: _seq, ...index }: any) => index)
        .sort((a, b) => String(a.name).localeCompare(String(b.name)));
      catalog[table] = {
        columns: db.prepare(`pragma table_info(${quoted})`).all(),
        indexes: indexList.map((index) => ({
          ...index,
          columns: db.prepare(`pragma index_xinfo("${String(index.name).replace(/"/g, '""')}")`).all(),
        })),
        foreignKeys: db.prepare(`pragma foreign_key_list(${quoted})`).all(),
      };
    }
    return catalog;
  } finally {
    db.close();
  }
}
