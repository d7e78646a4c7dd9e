import { spawn } from "node:child_process";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase } from "../../src/database/open-database.js";
import { migrateToLatest } from "../../src/database/migrations/migrate.js";
import * as v1 from "../../src/v1.js";
import * as v012 from "../../src/v0.12.js";
import { repositoryRoot } from "../support/consumer-project.js";
import { haAvailable, startFormation, type Formation } from "../support/ha-formation.js";
import { findPgBouncer, startPgBouncer, type RunningPgBouncer } from "../support/pgbouncer.js";

// Issue 30: the queue through real failovers. A pg_auto_failover formation
// (a monitor, a primary and a synchronous standby, on ports of their own);
// eight worker processes on the built package drain jobs with the side effect
// and the acknowledgement in one transaction, connecting with the formation's
// multi-host URI alone; at 30 % of the drain the primary goes: a planned
// `pg_autoctl perform failover`; kill -9 of the primary node (its pg_autoctl
// and its postgres: the monitor promotes the standby); kill -9 of the
// primary's postgres alone (its pg_autoctl restarts it in place); and, on the
// 1.0 API, the first two again with PgBouncer on each node in front. Nothing
// calls releaseStaleJobs. Every round must end with every job completed
// once: none lost, no duplicate effect, none stranded RUNNING, no untyped
// error; the time from the failover to the next completed job is measured.
// `npm run test:failover` runs it (CI too); KWP_SOAK=1 drains 20,000 jobs a round.

const JOBS = process.env.KWP_SOAK === "1" ? 20_000 : 2_000;
const WORKERS = 8;
const RESULTS = join(repositoryRoot, "test-results/failover");

interface WorkerEvent {
  at: number;
  workerId: string;
  type: string;
  typed?: boolean;
  name?: string;
  code?: string;
  phase?: string;
  retryable?: boolean;
  message?: string;
  during?: string;
  jobId?: string;
}

function worker(url: string, contract: string, workerId: string): Promise<WorkerEvent[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(repositoryRoot, "test/failover/children/drain-worker.mjs"), url, contract, workerId, String(JOBS)], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    child.stdout.on("data", (chunk) => (out += chunk));
    child.stderr.on("data", (chunk) => (err += chunk));
    child.once("error", reject);
    child.once("close", (code) => {
      const events = out.split("\n").filter(Boolean).map((line) => JSON.parse(line) as WorkerEvent);
      if (code !== 0) return reject(new Error(`worker ${workerId} exited ${code}: ${err.slice(-2_000)}`));
      // What the library printed itself (a LISTEN outage) is fine; anything else on stderr is not.
      const unexpected = err.split("\n").filter((line) => line && !line.startsWith("kysely-workflow-persistence: waitForJobs"));
      if (unexpected.length) events.push({ at: Date.now(), workerId, type: "stderr", message: unexpected.join("\n").slice(0, 2_000) });
      resolve(events);
    });
  });
}

describe.skipIf(!haAvailable)("a primary failover under the queue (pg_auto_failover)", () => {
  let formation: Formation;
  // PgBouncer (transaction mode) on each node, in front of its own postgres, as
  // Patroni and pg_auto_failover deployments often run it: the URL lists the
  // poolers, and target_session_attrs finds the one whose server is primary.
  const poolers: RunningPgBouncer[] = [];
  let pooledUri = "";
  beforeAll(async () => {
    rmSync(RESULTS, { recursive: true, force: true });
    mkdirSync(RESULTS, { recursive: true });
    formation = await startFormation((line) => console.log(`[failover] ${line}`));
    const program = findPgBouncer();
    if (program === undefined) return;
    for (const port of formation.nodePorts) {
      // server_login_retry: how soon it tries a server that refused again (default 15 s);
      // query_wait_timeout: how long it holds a query no server takes (default 120 s).
      poolers.push(await startPgBouncer(program, `postgres://postgres@127.0.0.1:${port}/app`, { settings: { server_login_retry: 1, query_wait_timeout: 10 } }));
    }
    pooledUri = `postgres://postgres@${poolers.map((pooler) => new URL(pooler.url).host).join(",")}/app?target_session_attrs=read-write&pgbouncer=true`;
  }, 600_000);
  afterAll(async () => {
    for (const pooler of poolers) await pooler.stop();
    await formation?.stop();
  }, 120_000);

  const triggers = ["planned failover", "kill -9 of the primary node", "kill -9 of the primary's postgres"] as const;
  // The PgBouncer rounds, wherever Debian's pgbouncer is installed (.ci/run installs it);
  // KWP_FAILOVER_PGBOUNCER=0 leaves them out. They found a bug the host-list rounds
  // could not: a pool behind a transaction pooler kept its connections to the
  // demoted node's pooler (test/database/host-list-through-poolers.test.ts).
  const withPgBouncer = process.env.KWP_FAILOVER_PGBOUNCER !== "0" && findPgBouncer();
  const rounds = [
    ...(["1.0", "0.12"] as const).flatMap((contract) => triggers.map((trigger) => ({ contract, trigger, through: "the host list" }))),
    ...(withPgBouncer ? triggers.slice(0, 2).map((trigger) => ({ contract: "1.0" as const, trigger, through: "PgBouncer on each node" })) : []),
  ];

  it.each(rounds.map((round, index) => ({ ...round, index })))("$contract API through $through, $trigger: every job once, none lost, stranded or duplicated, every error typed", { timeout: 1_200_000 }, async ({ contract, trigger, through, index }) => {
    await formation.waitHealthy(300_000);
    // After a killed postgres came back in place the monitor may still fail over
    // (its 20 s unhealthy and 30 s demote timeouts run on): start only once the
    // formation has kept one primary for 45 s.
    if (index > 0 && rounds[index - 1]!.trigger === "kill -9 of the primary's postgres") await formation.waitSettled(45_000);
    // A database of the round's own, made on the primary through the host list.
    const name = `kwp_failover_${index}_${Date.now()}`;
    await formation.createDatabase(name);
    const url = formation.uri.replace("/app?", `/${name}?`);
    const workerUrl = through === "the host list" ? url : pooledUri.replace("/app?", `/${name}?`);
    const db = openDatabase(url, { retry: true });
    const api = contract === "1.0" ? v1 : v012;
    await migrateToLatest(db, { target: contract });
    const persistence = api.createKyselyWorkflowPersistence(db);
    const run = await persistence.createRun({ id: "failover-run", workflowId: "wf", workflowName: "Failover", workflowType: "drain", input: {} });
    const queue = api.createKyselyJobQueue(db, { listen: false });
    for (let start = 0; start < JOBS; start += 500) {
      const jobs = Array.from({ length: Math.min(500, JOBS - start) }, (_, i) => ({ workflowRunId: run.id, workflowId: "wf", stageId: `s-${String(start + i).padStart(6, "0")}` }));
      await queue.enqueueParallel(jobs as never);
    }

    const started = Date.now();
    const workers = Array.from({ length: WORKERS }, (_, i) => worker(workerUrl, contract, `w${i + 1}-${process.pid}`));
    // Watch the drain; fail over at 30 %.
    let triggeredAt = 0;
    for (;;) {
      const completed = await queue.getQueueStats().then((stats) => stats.COMPLETED).catch(() => 0);
      if (completed >= JOBS * 0.3) break;
      if (Date.now() - started > 600_000) throw new Error(`the drain did not reach 30 % in 10 minutes (${completed} of ${JOBS})`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    triggeredAt = Date.now();
    const from = await formation.primaryPort();
    // Which server takes writes, sampled every 100 ms from the trigger on: when the
    // HA tool had a primary again, apart from when the workers were back.
    const samples: Array<{ at: number; writable: number[] }> = [];
    let draining = true;
    const sampling = (async () => {
      while (draining && Date.now() - triggeredAt < 300_000) {
        const at = Date.now();
        samples.push({ at, writable: await formation.writablePorts() });
        await new Promise((resolve) => setTimeout(resolve, Math.max(0, 100 - (Date.now() - at))));
      }
    })();
    if (trigger === "planned failover") await formation.plannedFailover();
    else if (trigger === "kill -9 of the primary node") await formation.killPrimaryNode();
    else await formation.killPrimaryPostgres();
    const events = (await Promise.all(workers)).flat();
    draining = false;
    await sampling;
    const primaryAfter = await formation.primaryPort().catch(() => undefined);
    // The primary back: the new one's first writable sample, or (restarted in place) the first after it stopped taking writes.
    const downAt = samples.find((sample) => !sample.writable.includes(from))?.at;
    const backAt = samples.find((sample) => (primaryAfter !== from ? sample.writable.includes(primaryAfter ?? -1) : downAt !== undefined && sample.at > downAt && sample.writable.includes(from)))?.at;
    // The killed node comes back as the new standby (the next round waits until it has).
    if (trigger === "kill -9 of the primary node") await formation.restartNode(from);

    // What the database holds afterwards, read through the host list.
    const counts = await sql<{ status: string; n: string }>`select status::text as status, count(*) as n from job_queue group by status`.execute(db);
    const byStatus = Object.fromEntries(counts.rows.map((row) => [row.status, Number(row.n)]));
    const effects = await sql<{ message: string; n: string }>`select message, count(*) as n from workflow_logs where message like 'effect %' group by message`.execute(db);
    // A job left RUNNING: who holds it and since when, to find the claim in the workers' events.
    const stranded = await sql<{ id: string; workerId: string | null; startedAt: Date | null; attempt: number; lastError: string | null }>`select id, "workerId", "startedAt", attempt, "lastError" from job_queue where status = 'RUNNING' order by "startedAt"`.execute(db);
    const duplicates = effects.rows.filter((row) => Number(row.n) > 1).length;
    const completions = events.filter((event) => event.type === "completed").map((event) => event.at).sort((a, b) => a - b);
    // The outage: the longest pause between completions after the trigger; work resumed at its end.
    const outage = completions.reduce(
      (longest, at, i) => (i > 0 && at > triggeredAt && at - Math.max(completions[i - 1]!, triggeredAt) > longest.length ? { length: at - Math.max(completions[i - 1]!, triggeredAt), end: at } : longest),
      { length: 0, end: completions.find((at) => at > triggeredAt) ?? Number.NaN },
    );
    const errors = events.filter((event) => event.type === "error");
    const untyped = errors.filter((event) => !event.typed);
    const listenLost = new Set(events.filter((event) => event.type === "listen-lost").map((event) => event.workerId));
    const listenBack = new Set(events.filter((event) => event.type === "listen-recovered").map((event) => event.workerId));
    const figures = {
      contract, trigger, through, jobs: JOBS, workers: WORKERS,
      primaryBefore: from, primaryAfter,
      completed: byStatus.COMPLETED ?? 0,
      lost: JOBS - (byStatus.COMPLETED ?? 0),
      duplicateEffects: duplicates,
      effects: effects.rows.length,
      strandedRunning: byStatus.RUNNING ?? 0,
      strandedJobs: stranded.rows.map((row) => ({ ...row, startedSince: row.startedAt === null ? null : new Date(row.startedAt).getTime() - triggeredAt })),
      untypedErrors: untyped.length,
      errorsByKind: Object.entries(errors.reduce<Record<string, number>>((all, event) => {
        const key = `${event.during}: ${event.name}${event.code ? ` ${event.code}` : ""}${event.phase ? ` ${event.phase}` : ""}${event.retryable ? " (retryable)" : ""}`;
        all[key] = (all[key] ?? 0) + 1;
        return all;
      }, {})),
      supersededAcknowledgements: events.filter((event) => event.type === "superseded").length,
      jobsGivenUpByWorkers: events.filter((event) => event.type === "gave-up").length,
      outageSeconds: Number((outage.length / 1000).toFixed(2)),
      // The HA tool's share (trigger to a writable primary) and the library's (that to the next completed job).
      primaryWritableAfterSeconds: backAt === undefined ? null : Number(((backAt - triggeredAt) / 1000).toFixed(2)),
      workersBackAfterPrimarySeconds: backAt === undefined ? null : Number((((completions.find((at) => at >= backAt) ?? Number.NaN) - backAt) / 1000).toFixed(2)),
      resumeSeconds: Number.isNaN(outage.end) ? null : Number(((outage.end - triggeredAt) / 1000).toFixed(2)),
      drainSeconds: Number(((Date.now() - started) / 1000).toFixed(1)),
      listenLostBy: listenLost.size,
      listenRecoveredBy: [...listenLost].filter((id) => listenBack.has(id)).length,
      stderr: events.filter((event) => event.type === "stderr").map((event) => event.message),
    };
    const slug = trigger === "planned failover" ? "planned" : trigger.endsWith("node") ? "kill-node" : "kill-postgres";
    const file = join(RESULTS, `round-${index + 1}-${contract}-${slug}${through === "the host list" ? "" : "-pgbouncer"}`);
    writeFileSync(`${file}.json`, `${JSON.stringify(figures, null, 2)}\n`);
    // Every worker's events, and which server took writes when, to look at a round afterwards.
    writeFileSync(`${file}.events.jsonl`, [...events.map((event) => ({ ...event, since: event.at - triggeredAt })), ...samples.map((sample) => ({ type: "writable", since: sample.at - triggeredAt, ports: sample.writable }))].sort((a, b) => a.since - b.since).map((event) => JSON.stringify(event)).join("\n"));
    console.log(`[failover] ${JSON.stringify(figures)}`);
    await db.destroy();

    expect(figures.untypedErrors, JSON.stringify(untyped.slice(0, 5))).toBe(0);
    expect(figures.stderr).toEqual([]);
    expect(figures.completed).toBe(JOBS);
    expect(figures.lost).toBe(0);
    expect(figures.effects).toBe(JOBS);
    expect(figures.duplicateEffects).toBe(0);
    expect(figures.strandedRunning).toBe(0);
    // A failover moved the primary; a killed postgres alone is restarted in place by its pg_autoctl.
    if (trigger !== "kill -9 of the primary's postgres") expect(figures.primaryAfter).not.toBe(from);
    // A hang detector, not a speed target: the figure itself is what the note reports.
    expect(figures.resumeSeconds).not.toBeNull();
    expect(figures.workersBackAfterPrimarySeconds).not.toBeNull();
    expect(figures.resumeSeconds!).toBeLessThan(120);
    expect(figures.listenRecoveredBy).toBe(figures.listenLostBy);
  });
});
