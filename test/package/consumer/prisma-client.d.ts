// The shape of a generated @prisma/client (6.x) as far as the Prisma example
// uses it, installed in the consumer project so the guide's Prisma example
// compiles there as it would in an application.
declare module "@prisma/client" {
  interface RawApi {
    $queryRawUnsafe<T = unknown>(query: string, ...values: any[]): Promise<T>;
    $executeRawUnsafe(query: string, ...values: any[]): Promise<number>;
  }
  export class PrismaClient implements RawApi {
    constructor(options?: { adapter?: unknown });
    $queryRawUnsafe<T = unknown>(query: string, ...values: any[]): Promise<T>;
    $executeRawUnsafe(query: string, ...values: any[]): Promise<number>;
    $connect(): Promise<void>;
    $disconnect(): Promise<void>;
    $transaction<P extends Promise<any>[]>(arg: [...P]): Promise<unknown[]>;
    $transaction<R>(fn: (tx: Omit<PrismaClient, "$connect" | "$disconnect" | "$transaction">) => Promise<R>, options?: { maxWait?: number; timeout?: number }): Promise<R>;
  }
}
