import { defineConfig } from "tsup";

// ESM and CommonJS builds with declarations for each. `shims` provides
// import.meta.url in the CommonJS build, which the migration provider uses to
// find the migrations folder shipped next to dist/.
export default defineConfig({
  entry: { index: "src/index.ts" },
  format: ["esm", "cjs"],
  dts: true,
  shims: true,
  sourcemap: true,
  clean: true,
  target: "node20",
});
