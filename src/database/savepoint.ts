import { sql, type Kysely } from "kysely";

/** Names savepoints, so a step nested in another step never reuses its name. */
let savepoints = 0;

/**
 * Runs `work` inside a savepoint of the open transaction `db`: when it throws,
 * what it wrote is undone (on PostgreSQL this also ends the "transaction is
 * aborted" state a failed statement leaves) and the transaction goes on. Same
 * statements on both databases; through Prisma they run on its transaction
 * client. Steps of one transaction are meant to run one after another, as
 * the engine's are: savepoints nest, they do not interleave.
 */
export async function withSavepoint<T>(db: Kysely<any>, work: () => Promise<T>): Promise<T> {
  const name = sql.id(`kwp_step_${++savepoints}`);
  await sql`savepoint ${name}`.execute(db);
  let value: T;
  try {
    value = await work();
  } catch (error) {
    // If even this fails (the connection is gone), the transaction cannot
    // commit anyway: the caller hears of `work`'s error, the first cause.
    await sql`rollback to savepoint ${name}`
      .execute(db)
      .then(() => sql`release savepoint ${name}`.execute(db))
      .catch(() => {});
    throw error;
  }
  await sql`release savepoint ${name}`.execute(db);
  return value;
}

