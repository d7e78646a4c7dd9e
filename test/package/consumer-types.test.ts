import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runNode } from "../support/spawn-child.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "../..");

/**
 * The published declarations, compiled as an application would: the package
 * installed in node_modules (dist and package.json copied, so nothing of this
 * repository's node_modules is visible, @types/pg included), kysely and
 * @types/node beside it, `skipLibCheck: false`, under the module resolutions
 * applications use.
 */
describe.skipIf(!existsSync(join(root, "dist/index.d.ts")))("the published types in a consumer project", () => {
  let project: string;
  beforeAll(() => {
    project = mkdtempSync(join(tmpdir(), "kwp-consumer-"));
    const installed = join(project, "node_modules/kysely-workflow-persistence");
    mkdirSync(installed, { recursive: true });
    cpSync(join(root, "package.json"), join(installed, "package.json"));
    cpSync(join(root, "dist"), join(installed, "dist"), { recursive: true, filter: (source) => !source.endsWith(".map") });
    mkdirSync(join(project, "node_modules/@types"), { recursive: true });
    symlinkSync(join(root, "node_modules/kysely"), join(project, "node_modules/kysely"));
    symlinkSync(join(root, "node_modules/@types/node"), join(project, "node_modules/@types/node"));
    cpSync(join(root, "test/package/consumer/engine-prisma-module.ts"), join(project, "engine-prisma-module.ts"));
    // The README's Prisma example, against a @prisma/client shaped like a generated one.
    cpSync(join(root, "examples/prisma-drop-in.ts"), join(project, "prisma-drop-in.ts"));
    cpSync(join(root, "test/package/consumer/prisma-client.d.ts"), join(project, "prisma-client.d.ts"));
  });
  afterAll(() => rmSync(project, { recursive: true, force: true }));

  it.each([
    ["nodenext (ESM)", { module: "nodenext", moduleResolution: "nodenext" }, "module"],
    ["node10 (CommonJS)", { module: "commonjs", moduleResolution: "node10" }, "commonjs"],
    ["bundler", { module: "esnext", moduleResolution: "bundler" }, "module"],
  ])("compiles under %s with skipLibCheck off and no @types/pg", { timeout: 120_000 }, async (_name, resolution, type) => {
    writeFileSync(join(project, "package.json"), JSON.stringify({ name: "consumer", private: true, type }));
    const config = {
      compilerOptions: { ...resolution, target: "es2022", module: resolution.module, strict: true, skipLibCheck: false, noEmit: true, types: ["node"] },
      files: ["engine-prisma-module.ts", "prisma-drop-in.ts", "prisma-client.d.ts"],
    };
    writeFileSync(join(project, "tsconfig.json"), JSON.stringify(config));
    expect(existsSync(join(project, "node_modules/@types/pg"))).toBe(false);
    const result = await runNode([join(root, "node_modules/typescript/bin/tsc"), "-p", project]);
    expect(result.stdout + result.stderr).toBe("");
    expect(result.code).toBe(0);
  });
});
