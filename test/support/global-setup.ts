import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { TestProject } from "vitest/node";
import { findPostgresServer } from "./find-postgres-server.js";
import { generatePrismaClient, PRISMA_MAJORS } from "./prisma-clients.js";
import { findPgBouncer, startPgBouncer } from "./pgbouncer.js";
import { dropTestRoles, newRoleSuffix } from "./test-roles.js";
import { referenceDdlFolder } from "./reference-ddl.js";

/** PgBouncer for the transaction-pooler tests: required in CI (.ci/run installs it), optional elsewhere. */
async function startPooler(serverUrl: string) {
  const program = findPgBouncer();
  if (!program) {
    if (process.env.CI) throw new Error("pgbouncer is not installed: .ci/run installs Debian's pgbouncer package");
    console.log("[tests] pgbouncer not installed: the transaction-pooler tests are skipped (apt-get install pgbouncer)");
    return undefined;
  }
  const pooler = await startPgBouncer(program, serverUrl);
  console.log(`[tests] PgBouncer (transaction mode) on ${new URL(pooler.url).port}`);
  return pooler;
}

declare module "vitest" {
  export interface ProvidedContext {
    postgresUrl: string;
    /** A PgBouncer in transaction mode in front of postgresUrl's server; "" where none is installed. */
    pgbouncerUrl: string;
  }
}

export default async function setup(project: TestProject) {
  if (!existsSync(join(dirname(fileURLToPath(import.meta.url)), "../../dist/index.js"))) {
    console.log("[tests] dist/ is not built: the tests of the built package are skipped; `npm test` builds it first (or `npm run build`)");
  }
  if (!referenceDdlFolder) {
    console.log(
      "[tests] Prisma's reference DDL was not found beside the clone (../shared/reference/prisma-ddl): the exact-schema " +
        "and 0.12 schema comparisons are skipped; set KWP_PRISMA_REFERENCE_DDL=<folder holding postgresql.sql> to run them",
    );
  }
  // Generated once here, before test files run in parallel and might race to generate.
  for (const major of PRISMA_MAJORS) {
    generatePrismaClient("postgresql", major);
    generatePrismaClient("sqlite", major);
  }
  const server = await findPostgresServer();
  console.log(`[tests] PostgreSQL from ${server.source}`);
  project.provide("postgresUrl", server.url);
  const pgbouncer = await startPooler(server.url);
  project.provide("pgbouncerUrl", pgbouncer?.url ?? "");
  const roleSuffix = newRoleSuffix();
  project.provide("roleSuffix", roleSuffix);
  return async () => {
    await pgbouncer?.stop();
    await dropTestRoles(server.url, roleSuffix).catch((error: Error) => console.log(`[tests] roles not dropped: ${error.message}`));
    await server.stop();
  };
}
