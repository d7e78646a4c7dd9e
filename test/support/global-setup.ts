import type { TestProject } from "vitest/node";
import { findPostgresServer } from "./find-postgres-server.js";

declare module "vitest" {
  export interface ProvidedContext {
    postgresUrl: string;
  }
}

export default async function setup(project: TestProject) {
  const server = await findPostgresServer();
  console.log(`[tests] PostgreSQL from ${server.source}`);
  project.provide("postgresUrl", server.url);
  return () => server.stop();
}
