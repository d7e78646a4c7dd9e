import { defineConfig } from "vitest/config";

/**
 * The slow suite: races between many connections and processes, crash and
 * restart faults, Prisma's own CLI against our databases, the published
 * types compiled as applications compile them, the examples run from the
 * packed package, the CLI on the 0.12 and 1.0 contracts' databases (the
 * core suite runs it on the default one), and `kwp ui` in a real browser. Each of them costs tens of
 * seconds of two cores; `npm test` (the core suite, about five minutes on two
 * cores) leaves them to `npm run test:slow` (KWP_SUITE=slow), which CI runs
 * too; `npm run test:soak` runs them and the hostile-input properties at full size.
 */
export const SLOW_SUITE = [
  "test/races/**/*.test.ts",
  "test/faults/**/*.test.ts",
  "test/prisma/prisma-drift.test.ts",
  "test/prisma/prisma-blob-store.test.ts",
  "test/prisma/prisma-trace-context.test.ts",
  "test/package/consumer-types.test.ts",
  "test/package/examples.test.ts",
  "test/package/kysely-versions.test.ts",
  "test/cli/kwp-0.12.test.ts",
  "test/cli/kwp-1.0.test.ts",
  "test/ui/kwp-ui-browser.test.ts",
  "test/ui/demo-in-browser.test.ts",
  "test/ui/inspector-in-use.test.ts",
];

/**
 * The failover suite (`npm run test:failover`): real pg_auto_failover
 * formations, failed over under load. Apart from both other suites; CI runs it.
 */
export const FAILOVER_SUITE = ["test/failover/**/*.test.ts"];

const suite = process.env.KWP_SUITE;

export default defineConfig({
  test: {
    include: suite === "slow" ? SLOW_SUITE : suite === "failover" ? FAILOVER_SUITE : ["test/**/*.test.ts"],
    exclude:
      suite === "all" || suite === "failover"
        ? ["**/node_modules/**"]
        : suite === "slow"
          ? ["**/node_modules/**", ...FAILOVER_SUITE]
          : ["**/node_modules/**", ...SLOW_SUITE, ...FAILOVER_SUITE],
    globalSetup: ["test/support/global-setup.ts"],
    // Test files share one PostgreSQL server, each in databases of its own;
    // two workers match the two cores of the machines this runs on.
    pool: "forks",
    maxWorkers: 2,
    // Timeouts catch a hang, they measure nothing: a busy machine (CI on a
    // developer's laptop, two cores, load 20) may take many times longer.
    // Tests wait for the event itself, never for a clock (CONTRIBUTING.md).
    testTimeout: 180_000,
    hookTimeout: 240_000,
    // expect.poll retries until the event; vitest's default gives up after 1 s.
    expect: { poll: { timeout: 60_000, interval: 50 } },
  },
});
