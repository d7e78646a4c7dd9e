import { defineConfig } from "tsup";

export default defineConfig([
  // The library and its ./prisma entry: ESM and CommonJS with declarations for
  // each. `shims` provides import.meta.url in the CommonJS build, which the
  // migration provider uses to find the migrations folder shipped next to dist/.
  // `splitting` (also for CommonJS) puts the shared code in one chunk, so both
  // entries share one copy of the error classes and of the dialect registry.
  {
    entry: {
      index: "src/index.ts",
      prisma: "src/prisma/index.ts",
      "v0.12": "src/v0.12.ts",
      "prisma-v0.12": "src/prisma/v0.12.ts",
      v1: "src/v1.ts",
      "prisma-v1": "src/prisma/v1.ts",
    },
    format: ["esm", "cjs"],
    dts: true,
    shims: true,
    splitting: true,
    sourcemap: true,
    clean: true,
    target: "node20",
  },
  // The `kwp` command (package bin): ESM only, it uses top-level await.
  {
    entry: { cli: "src/cli/main.ts" },
    format: ["esm"],
    sourcemap: true,
    target: "node20",
  },
]);
