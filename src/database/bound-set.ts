import type { Expression } from "kysely";
import type { DialectSupport } from "../dialects/dialect-support.js";
import { parameter } from "./prepared-query.js";

/**
 * The column values of one INSERT or UPDATE, written as named parameters
 * (`parameter(column)`) with their values kept apart, so that the statement
 * can be built and compiled once per shape (which columns it sets) and
 * re-bound on every call (see PreparedQueriesByShape). Every value goes
 * through the dialect's codecs, as the statements built per call do.
 */
export class BoundSet {
  /** Parameter → value for this call. */
  readonly values: Record<string, unknown> = {};
  /**
   * Column → how to build its SQL expression. Built only when a statement of
   * this shape is compiled (`columns`), not on every call: a call that finds
   * its statement prepared only binds values.
   */
  readonly #expressions: Array<[column: string, build: Build, parameterName: string, shapePart: string]> = [];

  /** `prefix` keeps the parameters of two sets in one statement apart (an upsert's insert and update). */
  constructor(
    readonly dialect: DialectSupport,
    readonly prefix = "",
  ) {}

  /** A text or integer value. */
  value(column: string, value: string | number | null): this {
    return this.#bind(column, "value", value);
  }

  float(column: string, value: number): this {
    return this.#bind(column, "float", this.dialect.floatValue(value));
  }

  date(column: string, value: Date | null): this {
    return this.#bind(column, "date", value === null ? null : this.dialect.dateValue(value));
  }

  /** A JSON document, already serialised (null: SQL NULL). */
  json(column: string, text: string | null): this {
    return this.#bind(column, "json", text);
  }

  status(column: string, value: string): this {
    return this.#bind(column, "status", value);
  }

  /** "Now" in the dialect's sense (the database clock on PostgreSQL). */
  now(column: string): this {
    this.values.clock = this.dialect.clockValue();
    this.#expressions.push([column, nowFrom, "clock", `${column}=now`]);
    return this;
  }

  /** A constant expression (no per-call value), e.g. `version + 1`: part of the shape. */
  constant(column: string, expression: Expression<any>, name: string): this {
    this.#expressions.push([column, () => expression, "", `${column}=${name}`]);
    return this;
  }

  /** Column → SQL expression (parameters only), for building the statement. */
  get columns(): Record<string, unknown> {
    const columns: Record<string, unknown> = {};
    for (const [column, build, name] of this.#expressions) columns[column] = build(this.dialect, parameter(name));
    return columns;
  }

  /**
   * Which columns are set, and how: the key a prepared statement is cached
   * under. Built when asked for, not as values are bound: a caller that keys
   * its statements otherwise (a bit per field) never builds it.
   */
  get shape(): string {
    let shape = "";
    for (const expression of this.#expressions) shape += `,${expression[3]}`;
    return shape;
  }

  #bind(column: string, kind: keyof typeof EXPRESSIONS, value: unknown): this {
    const name = this.prefix + column;
    this.values[name] = value;
    this.#expressions.push([column, EXPRESSIONS[kind], name, column]);
    return this;
  }
}

/** Builds a column's SQL expression around its parameter (or ignores it: a constant). */
type Build = (dialect: DialectSupport, slot: unknown) => unknown;

const nowFrom: Build = (dialect, slot) => dialect.nowFrom(slot as never);

/** The SQL each kind of value is written with, around its parameter. */
const EXPRESSIONS = {
  value: (_dialect: DialectSupport, slot: unknown) => slot,
  float: (dialect: DialectSupport, slot: unknown) => dialect.floatFrom(slot as never),
  date: (dialect: DialectSupport, slot: unknown) => dialect.dateFrom(slot as never),
  json: (dialect: DialectSupport, slot: unknown) => dialect.json(slot as never),
  status: (dialect: DialectSupport, slot: unknown) => dialect.enumValue("Status", slot as never),
};
