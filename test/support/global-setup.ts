import type { TestProject } from "vitest/node";
import { findPostgresServer } from "./find-postgres-server.js";
import { generatePrismaClient } from "./prisma-clients.js";

declare module "vitest" {
  export interface ProvidedContext {
    postgresUrl: string;
  }
}

export default async function setup(project: TestProject) {
  // Generated once here, before test files run in parallel and might race to generate.
  generatePrismaClient("postgresql");
  generatePrismaClient("sqlite");
  const server = await findPostgresServer();
  console.log(`[tests] PostgreSQL from ${server.source}`);
  project.provide("postgresUrl", server.url);
  return () => server.stop();
}
