/**
 * How the benchmark's databases are migrated: with the library's optional
 * performance migrations (the default, as migrateToLatest applies them) or
 * without them (`--no-performance-indexes`), to measure what they cost or buy
 * on each workload. Set once by run.ts from the command line.
 */
let performanceIndexes = true;

export function setBenchPerformanceIndexes(value: boolean): void {
  performanceIndexes = value;
}

/** The options every benchmark database is migrated with. */
export const benchMigrateOptions = (): { performanceIndexes: boolean } => ({ performanceIndexes });
