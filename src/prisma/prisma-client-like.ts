/**
 * The part of a PrismaClient (6.x or 7.x, any generated schema) this adapter
 * uses. Nothing is imported from @prisma/client at run time: the application's
 * own client is passed in.
 */
export interface PrismaTransactionClientLike {
  /** Runs a statement that returns rows. */
  $queryRawUnsafe<T = unknown>(query: string, ...values: unknown[]): Promise<T>;
  /** Runs a statement; resolves with the number of rows it changed. */
  $executeRawUnsafe(query: string, ...values: unknown[]): Promise<number>;
}

/**
 * A PrismaClient, or the `tx` of `prisma.$transaction(async (tx) => …)`. A
 * Prisma 6 transaction client has no `$transaction`: the adapter then works
 * inside the transaction that is open, with savepoints for its own atomic
 * steps (see PrismaDriver). A Prisma 7 `tx` that has one is used as a client.
 */
export interface PrismaClientLike extends PrismaTransactionClientLike {
  /** An interactive transaction (absent on a Prisma 6 transaction client). */
  $transaction?<T>(work: (tx: PrismaTransactionClientLike) => Promise<T>, options?: { maxWait?: number; timeout?: number }): Promise<T>;
}

/** The provider the generated client was made for, when the client says (6.x and 7.x do). */
export function prismaProvider(prisma: PrismaClientLike): string | undefined {
  const candidate = prisma as unknown as { _activeProvider?: unknown; _engineConfig?: { activeProvider?: unknown } };
  const provider = candidate._activeProvider ?? candidate._engineConfig?.activeProvider;
  return typeof provider === "string" ? provider : undefined;
}
