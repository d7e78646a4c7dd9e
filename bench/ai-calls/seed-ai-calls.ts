import { sql, type Kysely } from "kysely";
import type { Database } from "../../src/database/database.js";

/**
 * Fills ai_calls with `rows` rows in the database itself (generate_series /
 * a recursive CTE), in the library's storage format: 90% under the topic
 * prefix "workflow." the benchmark queries, 8 models, ~200-byte prompts.
 */
export async function seedAICalls(db: Kysely<Database>, databaseType: "postgresql" | "sqlite", rows: number): Promise<void> {
  if (databaseType === "postgresql") {
    await sql`
      insert into ai_calls (id, "createdAt", topic, "callType", "modelKey", "modelId", prompt, response,
                            "inputTokens", "outputTokens", cost, metadata)
      select 'seed-' || g, timestamp '2024-01-01' + g * interval '1 second',
             case when g % 10 = 0 then 'other.' || g else 'workflow.run-' || (g % 1000) || '.stage.' || (g % 7) end,
             'text', 'model-' || (g % 8), 'provider/model-' || (g % 8),
             repeat('p', 200), repeat('r', 200), g % 1000, g % 300, (g % 100) / 1000.0, '{"k":1}'::jsonb
      from generate_series(1, ${rows}) as g`.execute(db);
    await sql`analyze ai_calls`.execute(db);
  } else {
    await sql`
      with recursive g(n) as (select 1 union all select n + 1 from g where n < ${rows})
      insert into ai_calls (id, "createdAt", topic, "callType", "modelKey", "modelId", prompt, response,
                            "inputTokens", "outputTokens", cost, metadata)
      select 'seed-' || n, strftime('%Y-%m-%dT%H:%M:%f+00:00', '2024-01-01', '+' || n || ' seconds'),
             case when n % 10 = 0 then 'other.' || n else 'workflow.run-' || (n % 1000) || '.stage.' || (n % 7) end,
             'text', 'model-' || (n % 8), 'provider/model-' || (n % 8),
             printf('%.200c', 'p'), printf('%.200c', 'r'), n % 1000, n % 300, (n % 100) / 1000.0, '{"k":1}'
      from g`.execute(db);
    await sql`analyze`.execute(db);
  }
}
