#!/usr/bin/env node
import { Command, CommanderError, InvalidArgumentError, Option } from "commander";
import { CliContext, DEFAULT_URL, type CommandAccess } from "./cli-context.js";
import { packageVersion } from "./package-version.js";
import { ConfigurationError, WorkflowPersistenceError } from "../errors.js";
import { CliError, describeError, EXIT } from "./cli-errors.js";
import { createOutput } from "./output.js";
import { DEMO_URL, demoCommand } from "./commands/demo-command.js";
import { jobsCommand, runCommand, runsCommand, statsCommand } from "./commands/inspect-commands.js";
import { pruneCommand, releaseStaleCommand } from "./commands/maintenance-commands.js";
import { migrateCommand, prismaMigrationCommand } from "./commands/migrate-command.js";
import { uiCommand } from "./commands/ui-command.js";
import { sqliteFileHint } from "./sqlite-file-hints.js";


const positiveInteger = (name: string) => (value: string) => {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1) throw new InvalidArgumentError(`${name} must be a positive whole number`);
  return number;
};

const nonNegativeInteger = (name: string) => (value: string) => {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 0 || number > 65_535) throw new InvalidArgumentError(`${name} must be a whole number from 0 to 65535`);
  return number;
};

/** Builds the `kwp` program; `run` executes one command against a CliContext and sets the exit code. */
export function buildProgram(): Command {
  const json = process.argv.includes("--json");
  const program = new Command("kwp")
    .version(packageVersion(), "--version", "print the version")
    .description("kysely-workflow-persistence: migrate, run the demo, and inspect a workflow database")
    .addOption(new Option("--url <url>", "database: postgres://… or sqlite:path").env("DATABASE_URL").default(DEFAULT_URL))
    .option("--json", "print results as JSON")
    .option("--verbose", "print stack traces with errors")
    .option("--readonly", "open the database read-only (SQLite read-only mode, PostgreSQL read-only transactions)")
    .option("--schema <name>", "PostgreSQL schema holding the tables (or ?schema= in the URL)")
    .showHelpAfterError(!json)
    // Every command's --help lists --url, --json, … too (subcommands inherit this).
    .configureHelp({ showGlobalOptions: true })
    .exitOverride()
    // With --json, usage errors are JSON on stdout too (see main below).
    .configureOutput({ writeErr: (text) => void (json ? undefined : process.stderr.write(text)) });

  /**
   * `mode`: what the command does with the database (CommandAccess);
   * `defaultUrl`: its own database when no --url or DATABASE_URL names one.
   */
  const run = (action: (cli: CliContext) => Promise<void>, mode: CommandAccess, defaultUrl = DEFAULT_URL) => async () => {
    const options = program.opts<{ url: string; json?: boolean; verbose?: boolean; readonly?: boolean; schema?: string }>();
    const access = { mode, readonly: options.readonly === true, ...(options.schema !== undefined ? { schema: options.schema } : {}) };
    const byDefault = program.getOptionValueSource("url") === "default";
    const url = byDefault ? defaultUrl : options.url;
    if (byDefault && !options.json) {
      process.stderr.write(`(no --url or DATABASE_URL: using ${url}; for PostgreSQL give --url postgres://user@host/db)\n`);
    }
    const cli = new CliContext(url, createOutput(options.json === true), options.verbose === true, access);
    try {
      if (mode === "write" && access.readonly) {
        throw new CliError("this command writes to the database, and --readonly forbids writing: leave --readonly out", EXIT.usage);
      }
      await action(cli);
    } catch (error) {
      const { message, code } = describeError(sqliteFileHint(error, cli) ?? missingDriverByDefault(error, byDefault, url), cli.label);
      if (cli.output.json) printJsonError(error, message, code);
      else process.stderr.write(`error: ${message}\n`);
      if (cli.verbose && error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`);
      process.exitCode = code;
    } finally {
      await cli.close().catch(() => {});
    }
  };

  program
    .command("migrate")
    .description("apply pending migrations: the engine's schema, then the performance indexes (applied by default; --no-performance-indexes skips them)")
    .option("--status", "list applied and pending migrations")
    .option("--sql", "print the SQL for this database's dialect instead of running it")
    .option("--no-performance-indexes", "apply only the Prisma schema, not the optional migrations")
    .option("--target <version>", "the engine contract's schema: 0.1 (default), 0.12 or 1.0 (each upgrades an earlier database, rows kept)")
    .option("--blob-store", "also create the blob store table, for createKyselyBlobStore (kwp_blobs; on 1.0 the engine's workflow_blobs, rows moved)")
    .option("--trace-context", "also create the jobs' trace context table, through which an OpenTelemetry trace crosses the queue (kwp_job_trace_context)")
    .option("--yes", "confirm what an upgrade deletes without asking (1.0: older job rows of a (run, stage) enqueued again)")
    .addHelpText("after", examples("kwp migrate", "kwp migrate --target 1.0 --url postgres://app@db/app", "kwp migrate --status", "kwp migrate --sql > schema.sql"))
    .action((options) => run((cli) => migrateCommand(cli, options), options.status === true ? "read" : "create")());

  program
    .command("prisma-migration")
    .description("write the performance indexes (and PostgreSQL's wake-up trigger) as a Prisma migration folder, for a database Prisma manages")
    .option("--dir <path>", "Prisma's migrations directory", "prisma/migrations")
    .option("--dry-run", "print the migration's SQL instead of writing the folder")
    .option("--target <version>", "write the upgrade to this engine contract version (0.12 or 1.0) instead")
    .option("--from <version>", "with --target: the contract the database holds (default: the one before the target)")
    .option("--blob-store", "write the blob store table (and print its Prisma model block) instead")
    .option("--trace-context", "write the jobs' trace context table (and print its Prisma model block) instead")
    .addHelpText("after", examples("kwp prisma-migration --url \"$DATABASE_URL\"", "kwp prisma-migration --target 1.0 --dry-run"))
    .action((options) => run((cli) => prismaMigrationCommand(cli, options), "read")());

  program
    .command("demo")
    .description("the main job: run realistic multi-stage workflows through the library and summarise")
    .option("--workers <n>", "concurrent worker loops", positiveInteger("--workers"), 4)
    .option("--runs <n>", "workflows to run", positiveInteger("--runs"), 10)
    .option("--contract <version>", "the engine contract it speaks: 1.0 (durable steps, fairness, fenced acknowledgements, …), 0.12 or 0.1", "1.0")
    .addHelpText("after", examples("kwp demo", "kwp demo --runs 50 --workers 8", "kwp demo --contract 0.1", "kwp demo --url postgres://postgres@127.0.0.1:5432/postgres"))
    .action((options) => run((cli) => demoCommand(cli, options), "create", DEMO_URL)());

  program
    .command("runs")
    .description("list workflow runs, newest first")
    .option("--status <status>", "only runs with this status")
    .option("--limit <n>", "how many", positiveInteger("--limit"), 20)
    .addHelpText("after", examples("kwp runs --status failed --limit 50", "kwp --json runs | jq '.[].id'"))
    .action((options) => run((cli) => runsCommand(cli, options), "read")());

  program
    .command("run <id>")
    .description("one run: its stages, artifacts and last logs")
    .addHelpText("after", examples("kwp run 01933b8e-…", "kwp --json run 01933b8e-…"))
    .action((id: string) => run((cli) => runCommand(cli, id), "read")());

  program
    .command("jobs")
    .description("job queue: counts by status, oldest pending, stale RUNNING")
    .addHelpText("after", examples("kwp jobs", "kwp --url postgres://app@db/app --readonly jobs"))
    .action(() => run(jobsCommand, "read")());

  program
    .command("stats <topicPrefix>")
    .description("AI calls, tokens and cost per model for a topic prefix")
    .addHelpText("after", examples("kwp stats workflow.", "kwp stats 'workflow.01933b8e-…'"))
    .action((prefix: string) => run((cli) => statsCommand(cli, prefix), "read")());

  program
    .command("ui")
    .description("a local web inspector (runs, a run's stages and steps, queue, suspended, dead letters, costs) and /metrics, until Ctrl-C")
    .option("--port <n>", "port (0: any free one)", nonNegativeInteger("--port"), 7799)
    .option("--host <address>", "address to listen on; anything but loopback is reachable by others holding the token", "127.0.0.1")
    .option("--allow-writes", "allow cancelling a run and replaying dead letters (through the contract's own methods)")
    .option("--token <token>", "the access token (default: a random one, printed in the URL)")
    .option("--poll <ms>", "how often live pages refresh while visible", positiveInteger("--poll"), 3000)
    .addHelpText("after", examples("kwp ui", "kwp ui --url postgres://app@db/app --port 8080", "kwp ui --allow-writes"))
    .action((options) => run((cli) => uiCommand(cli, options), options.allowWrites === true ? "write" : "read")());

  program
    .command("release-stale")
    .description("return RUNNING jobs whose lock went stale to the queue (jobs out of attempts fail, with their stage and run)")
    .option("--older-than <duration>", "lock age that counts as stale (e.g. 10m, 2h); below the queue's own 5m only with --force", "5m")
    .option("--dry-run", "only show what would be released or failed")
    .option("--yes", "act without asking (required when not on a terminal)")
    .option("--force", "allow a threshold below the queue's own stale threshold (5m)")
    .addHelpText("after", examples("kwp release-stale --dry-run", "kwp release-stale --older-than 15m --yes"))
    .action((options) => run((cli) => releaseStaleCommand(cli, options), "write")());

  program
    .command("prune")
    .description("delete finished runs (cascading) and finished jobs, in batches")
    .requiredOption("--completed-before <duration>", "age of the finished work to delete (e.g. 30d)")
    .option("--dry-run", "only count what would be deleted")
    .option("--yes", "delete without asking (required when not on a terminal)")
    .addHelpText("after", examples("kwp prune --completed-before 30d --dry-run", "kwp prune --completed-before 90d --yes"))
    .action((options) => run((cli) => pruneCommand(cli, options), "write")());

  return program;
}

/** The "Examples:" section of a command's --help. */
function examples(...lines: string[]): string {
  return `\nExamples:\n${lines.map((line) => `  $ ${line}`).join("\n")}\n`;
}

/**
 * A PostgreSQL user who forgot --url lands on the default SQLite file: the
 * missing better-sqlite3 is then not the thing to install.
 */
function missingDriverByDefault(error: unknown, byDefault: boolean, url: string): unknown {
  if (!byDefault || !(error instanceof ConfigurationError) || !/"better-sqlite3" package/.test(error.message)) return error;
  return new CliError(
    `no --url or DATABASE_URL was given, so the default ${url} was opened, which needs better-sqlite3 (not installed). ` +
      "For PostgreSQL give --url postgres://user@host/db or set DATABASE_URL; for SQLite, npm install better-sqlite3",
    EXIT.usage,
  );
}

/** Under --json an error is JSON on stdout, so `kwp --json … | jq` always gets JSON. */
function printJsonError(error: unknown, message: string, exitCode: number): void {
  // The library's own error codes (VALIDATION_ERROR, NOT_FOUND, …), else the exit code's name.
  const code = error instanceof WorkflowPersistenceError ? error.code : (EXIT_NAMES[exitCode] ?? "FAILURE");
  process.stdout.write(`${JSON.stringify({ error: { code, message, exitCode } })}\n`);
}

const EXIT_NAMES: Record<number, string> = Object.fromEntries(
  Object.entries(EXIT).map(([name, value]) => [value, name.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()]),
);

export async function main(argv: string[]): Promise<void> {
  // An empty DATABASE_URL names no database: the default applies, as when it is unset.
  if (process.env.DATABASE_URL === "") delete process.env.DATABASE_URL;
  try {
    await buildProgram().parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version print and exit 0; everything else is a usage error.
      process.exitCode = error.exitCode === 0 ? EXIT.ok : EXIT.usage;
      if (error.exitCode !== 0 && argv.includes("--json")) printJsonError(error, error.message.replace(/^error: /, ""), EXIT.usage);
      return;
    }
    throw error;
  }
}

await main(process.argv);
