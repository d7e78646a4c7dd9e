import type { BlobStore } from "../blobs/blob-store.js";
import { createKyselyBlobStore, type KyselyBlobStoreOptions } from "../blobs/kysely-blob-store.js";
import type { PrismaClientLike } from "./prisma-client-like.js";
import { createPrismaKysely, type PrismaAdapterOptions } from "./prisma-kysely.js";
import { parseOptions, prismaBlobStoreOptions } from "../validation/factory-options.js";

export interface PrismaBlobStoreOptions extends PrismaAdapterOptions, Pick<KyselyBlobStoreOptions, "maxBlobBytes"> {}

/**
 * The blob store through the application's PrismaClient (or a transaction
 * client, whose writes then commit with it). Its table comes from the KwpBlob
 * model block (or `kwp prisma-migration --blob-store`).
 */
export interface PrismaBlobStore extends BlobStore {}
export class PrismaBlobStore {
  constructor(prisma: PrismaClientLike, options: PrismaBlobStoreOptions = {}) {
    parseOptions("PrismaBlobStore", prismaBlobStoreOptions, options);
    const { maxBlobBytes, ...adapterOptions } = options;
    Object.assign(
      this,
      createKyselyBlobStore(createPrismaKysely(prisma, adapterOptions), maxBlobBytes !== undefined ? { maxBlobBytes } : {}),
    );
  }
}

/** `new PrismaBlobStore(prisma, options)`.
 *
 * @example
 * ```ts
 * const blobs = createPrismaBlobStore(prisma); // its table: the KwpBlob model block
 * ```
 */
export function createPrismaBlobStore(prisma: PrismaClientLike, options: PrismaBlobStoreOptions = {}): PrismaBlobStore {
  return new PrismaBlobStore(prisma, options);
}
