import { CompiledQuery, type Compilable, type Kysely } from "kysely";
import type { DialectSupport } from "../dialects/dialect-support.js";
import type { Database } from "./database.js";
import type { QueryContext } from "./query-context.js";

const MARKER_PREFIX = "\u0000kwp-parameter:";

/**
 * Stands in for a parameter while the template is built; typed as whatever
 * the builder wants. With `row`, the value comes from that row of the rows
 * passed to `execute` (multi-row statements), otherwise from its values.
 */
export function parameter<T = any>(name: string, row?: number): T {
  return `${MARKER_PREFIX}${name}${row === undefined ? "" : `#${row}`}` as T;
}

type Slot = { name: string; row: number | undefined } | { value: unknown };

interface Template {
  sql: string;
  slots: Slot[];
}

/**
 * A query built with Kysely once per dialect and then reused: later calls
 * bind new values into the compiled SQL instead of building and compiling the
 * query again. Building and compiling a claim statement costs about as much
 * as running it on SQLite, so the queue's hot paths are prepared this way.
 *
 * The builder must mark every per-call value with `parameter(name)`; values
 * not marked are compiled in as constants. Nothing about a template depends on
 * a particular connection, only on the dialect that compiled it.
 */
type Build<Row> = (db: Kysely<Database>, dialect: DialectSupport) => Compilable<Row>;

export class PreparedQuery<Row> {
  readonly #build: Build<Row>;
  /**
   * Per DialectSupport object, not per database type: the Prisma adapter's
   * support compiles other SQL than the direct one for the same database
   * (JSON columns read as text, casts on floats).
   */
  readonly #templates = new WeakMap<DialectSupport, Template>();

  constructor(build: Build<Row>) {
    this.#build = build;
  }

  async execute(
    ctx: QueryContext,
    values: Record<string, unknown>,
    rows: ReadonlyArray<Record<string, unknown>> = [],
  ): Promise<{ rows: Row[]; numAffectedRows?: bigint }> {
    const template = this.#templateFor(ctx);
    const parameters = new Array<unknown>(template.slots.length);
    for (let i = 0; i < parameters.length; i++) {
      const slot = template.slots[i]!;
      const value = "value" in slot ? slot.value : slot.row === undefined ? values[slot.name] : rows[slot.row]?.[slot.name];
      if (value === undefined) throw new Error(`prepared query: no value for parameter "${"name" in slot ? slot.name : i}"`);
      parameters[i] = value;
    }
    return ctx.direct?.run<Row>(template.sql, parameters) ?? ctx.db.executeQuery<Row>(CompiledQuery.raw(template.sql, parameters));
  }

  #templateFor(ctx: QueryContext): Template {
    let template = this.#templates.get(ctx.dialect);
    if (!template) {
      const compiled = this.#build(ctx.db, ctx.dialect).compile();
      template = {
        sql: compiled.sql,
        slots: compiled.parameters.map((value): Slot => {
          if (typeof value !== "string" || !value.startsWith(MARKER_PREFIX)) return { value };
          const [name, row] = value.slice(MARKER_PREFIX.length).split("#");
          return { name: name!, row: row === undefined ? undefined : Number(row) };
        }),
      };
      this.#templates.set(ctx.dialect, template);
    }
    return template;
  }
}

/** How many sizes of one query are kept; the least recently used is dropped beyond. */
const MAX_CACHED_SIZES = 32;

/** Prepared queries whose shape depends on a count (rows inserted, ids completed), built on demand. */
export class PreparedQueriesBySize<Row> {
  readonly #build: (db: Kysely<Database>, dialect: DialectSupport, size: number) => Compilable<Row>;
  readonly #bySize = new Map<number, PreparedQuery<Row>>();
  readonly maxSize: number;

  constructor(build: (db: Kysely<Database>, dialect: DialectSupport, size: number) => Compilable<Row>, maxSize: number) {
    this.#build = build;
    this.maxSize = maxSize;
  }

  forSize(size: number): PreparedQuery<Row> | undefined {
    if (size > this.maxSize) return undefined;
    let prepared = this.#bySize.get(size);
    if (prepared) {
      this.#bySize.delete(size);
    } else {
      prepared = new PreparedQuery((db, dialect) => this.#build(db, dialect, size));
      if (this.#bySize.size >= MAX_CACHED_SIZES) this.#bySize.delete(this.#bySize.keys().next().value!);
    }
    this.#bySize.set(size, prepared);
    return prepared;
  }
}

/** How many shapes of one statement are kept per dialect; the oldest is dropped beyond. */
const MAX_CACHED_SHAPES = 128;

/**
 * Prepared queries whose SQL depends on which columns a call sets (an
 * update's SET clause): one template per dialect and shape key, built by the
 * first call of that shape with that dialect (its expressions came from that
 * dialect's codecs). The key must name everything else the SQL depends on.
 */
export class PreparedQueriesByShape<Row> {
  readonly #byDialect = new WeakMap<DialectSupport, Map<string | number, PreparedQuery<Row>>>();

  /** `shape`: a string, or a number when the caller codes its shapes as bits (cheaper to key by than a string built per call). */
  forShape(dialect: DialectSupport, shape: string | number, build: Build<Row>): PreparedQuery<Row> {
    let byShape = this.#byDialect.get(dialect);
    if (!byShape) this.#byDialect.set(dialect, (byShape = new Map()));
    let prepared = byShape.get(shape);
    if (!prepared) {
      // The oldest shape goes, not the least recently used: a hit does no
      // bookkeeping (refreshing the order on every call showed in profiles),
      // and a statement has few shapes in practice.
      if (byShape.size >= MAX_CACHED_SHAPES) byShape.delete(byShape.keys().next().value!);
      byShape.set(shape, (prepared = new PreparedQuery(build)));
    }
    return prepared;
  }
}
