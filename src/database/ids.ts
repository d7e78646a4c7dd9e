import { v7 as uuidv7 } from "uuid";

/**
 * New row ids: UUIDv7, from the `uuid` package. About 1 µs each (cuid2 costs
 * ~250 µs, which alone would cap bulk enqueue near 3k jobs/s), collision
 * resistant (74 random bits per millisecond on top of the timestamp), and
 * time-ordered: ids sort by creation time, and within one millisecond the
 * generator's counter keeps them in creation order, so ordering by
 * ("createdAt", "id") follows insertion order.
 */
export function newId(): string {
  return uuidv7();
}
