/**
 * The spec's getStats, written from its description: load every call under the
 * prefix with `findMany` (all columns), then add them up in JavaScript.
 */
export async function specPrismaGetStats(prisma: any, topicPrefix: string) {
  const calls: Array<{ modelKey: string; inputTokens: number; outputTokens: number; cost: number }> = await prisma.aICall.findMany({
    where: { topic: { startsWith: topicPrefix } },
  });
  const stats = { totalCalls: 0, totalInputTokens: 0, totalOutputTokens: 0, totalCost: 0, perModel: {} as Record<string, any> };
  for (const call of calls) {
    stats.totalCalls++;
    stats.totalInputTokens += call.inputTokens;
    stats.totalOutputTokens += call.outputTokens;
    stats.totalCost += call.cost;
    const model = (stats.perModel[call.modelKey] ??= { calls: 0, inputTokens: 0, outputTokens: 0, cost: 0 });
    model.calls++;
    model.inputTokens += call.inputTokens;
    model.outputTokens += call.outputTokens;
    model.cost += call.cost;
  }
  return stats;
}
