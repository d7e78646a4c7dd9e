import { cpSync, existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { consumerProject, repositoryRoot as root, type ConsumerProject } from "../support/consumer-project.js";
import { runNode } from "../support/spawn-child.js";

/**
 * The published declarations, compiled as an application would: the package
 * installed in node_modules (dist and package.json copied, so nothing of this
 * repository's node_modules is visible, @types/pg included), kysely and
 * @types/node beside it, `skipLibCheck: false`, under the module resolutions
 * applications use.
 */
describe.skipIf(!existsSync(join(root, "dist/index.d.ts")))("the published types in a consumer project", () => {
  let consumer: ConsumerProject;
  let project: string;
  beforeAll(() => {
    consumer = consumerProject("consumer", ["kysely", "@types/node"]);
    project = consumer.folder;
    cpSync(join(root, "test/package/consumer/engine-prisma-module.ts"), join(project, "engine-prisma-module.ts"));
    cpSync(join(root, "test/package/consumer/engine-0.12-module.ts"), join(project, "engine-0.12-module.ts"));
    cpSync(join(root, "test/package/consumer/engine-1.0-module.ts"), join(project, "engine-1.0-module.ts"));
    // The README's Prisma example, against a @prisma/client shaped like a generated one.
    cpSync(join(root, "examples/prisma-drop-in.ts"), join(project, "prisma-drop-in.ts"));
    cpSync(join(root, "test/package/consumer/prisma-client.d.ts"), join(project, "prisma-client.d.ts"));
  });
  afterAll(() => consumer.remove());

  it.each([
    ["nodenext (ESM)", { module: "nodenext", moduleResolution: "nodenext" }, "module"],
    ["node10 (CommonJS)", { module: "commonjs", moduleResolution: "node10" }, "commonjs"],
    ["bundler", { module: "esnext", moduleResolution: "bundler" }, "module"],
  ])("compiles under %s with skipLibCheck off and no @types/pg", { timeout: 180_000 }, async (_name, resolution, type) => {
    writeFileSync(join(project, "package.json"), JSON.stringify({ name: "consumer", private: true, type }));
    const config = {
      compilerOptions: { ...resolution, target: "es2022", module: resolution.module, strict: true, skipLibCheck: false, noEmit: true, types: ["node"] },
      files: ["engine-prisma-module.ts", "engine-0.12-module.ts", "engine-1.0-module.ts", "prisma-drop-in.ts", "prisma-client.d.ts"],
    };
    writeFileSync(join(project, "tsconfig.json"), JSON.stringify(config));
    expect(existsSync(join(project, "node_modules/@types/pg"))).toBe(false);
    const result = await runNode([join(root, "node_modules/typescript/bin/tsc"), "-p", project]);
    expect(result.stdout + result.stderr).toBe("");
    expect(result.code).toBe(0);
  });
});
