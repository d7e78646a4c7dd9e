-- kysely-workflow-persistence · SQLite · optional/0002_ai_calls_stats_index
--
-- NOT part of the Prisma schema; applied by migrateToLatest() by default, except on a
-- database managed by Prisma.
--
-- Why: getStats(topicPrefix) matches the prefix as a range on "topic" and sums
-- tokens and cost per "modelKey". With the spec's "ai_calls_topic_idx" SQLite walks
-- the range in the index and then fetches every matching row from the table, one
-- random read each: slower than reading the whole table once. This index carries
-- the summed columns, so the aggregate reads the index alone.
--
-- Measured with the sqlite3 shell (SQLite 3.40), 1,000,000 calls with ~400-byte rows:
--     prefix matching          spec indexes only     full scan     with this index
--     ~100 calls (one run)           3 ms                 -             0.3 ms
--     90% of the table            1,821 ms              555 ms          371 ms
CREATE INDEX IF NOT EXISTS "ai_calls_topic_stats_idx"
    ON "ai_calls" ("topic", "modelKey", "inputTokens", "outputTokens", "cost");
