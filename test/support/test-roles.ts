import { randomBytes } from "node:crypto";
import pg from "pg";
import { inject } from "vitest";

// PostgreSQL roles are cluster-wide, unlike the test databases: each test run
// names its roles with a suffix of its own (two runs on one server do not
// share them) and drops them when it ends.

declare module "vitest" {
  export interface ProvidedContext {
    /** Ends the names of the roles this run creates. */
    roleSuffix: string;
  }
}

export const newRoleSuffix = () => randomBytes(4).toString("hex");

/** The name of the test role `base` (e.g. "kwp_dml_only") in this run. */
export function testRole(base: string): string {
  return `${base}_${inject("roleSuffix")}`;
}

/** Roles of earlier versions of the suite, which named them without a suffix and never dropped them. */
const LEGACY_ROLES = ["kwp_dml_only", "kwp_no_access"];

/**
 * Drops this run's roles (and the legacy fixed names). A role that still has
 * rights in a database left behind cannot be dropped: said on the console,
 * not failed on.
 */
export async function dropTestRoles(serverUrl: string, suffix: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ rolname: string }>(
      "select rolname from pg_roles where right(rolname, $1) = $2 or rolname = any($3)",
      [suffix.length + 1, `_${suffix}`, LEGACY_ROLES],
    );
    for (const { rolname } of rows) {
      if (!rolname.startsWith("kwp_")) continue;
      await client.query(`drop role if exists "${rolname.replace(/"/g, '""')}"`).catch((error: Error) => {
        console.log(`[tests] role ${rolname} not dropped: ${error.message}`);
      });
    }
  } finally {
    await client.end();
  }
}
