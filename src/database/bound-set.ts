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
  /** Column → SQL expression (parameters only). */
  readonly columns: Record<string, unknown> = {};
  /** Parameter → value for this call. */
  readonly values: Record<string, unknown> = {};
  readonly #shape: string[] = [];

  /** `prefix` keeps the parameters of two sets in one statement apart (an upsert's insert and update). */
  constructor(
    readonly dialect: DialectSupport,
    readonly prefix = "",
  ) {}

  /** A text or integer value. */
  value(column: string, value: string | number | null): this {
    return this.#bind(column, parameter(this.prefix + column), value);
  }

  float(column: string, value: number): this {
    return this.#bind(column, this.dialect.floatFrom(parameter(this.prefix + column)), this.dialect.floatValue(value));
  }

  date(column: string, value: Date | null): this {
    return this.#bind(column, this.dialect.dateFrom(parameter(this.prefix + column)), value === null ? null : this.dialect.dateValue(value));
  }

  /** A JSON document, already serialised (null: SQL NULL). */
  json(column: string, text: string | null): this {
    return this.#bind(column, this.dialect.json(parameter(this.prefix + column)), text);
  }

  status(column: string, value: string): this {
    return this.#bind(column, this.dialect.enumValue("Status", parameter(this.prefix + column)), value);
  }

  /** "Now" in the dialect's sense (the database clock on PostgreSQL). */
  now(column: string): this {
    this.values.clock = this.dialect.clockValue();
    this.columns[column] = this.dialect.nowFrom(parameter("clock"));
    this.#shape.push(`${column}=now`);
    return this;
  }

  /** A constant expression (no per-call value), e.g. `version + 1`: part of the shape. */
  constant(column: string, expression: Expression<any>, name: string): this {
    this.columns[column] = expression;
    this.#shape.push(`${column}=${name}`);
    return this;
  }

  /** Which columns are set, and how: the key a prepared statement is cached under. */
  get shape(): string {
    return this.#shape.join(",");
  }

  #bind(column: string, expression: unknown, value: unknown): this {
    this.columns[column] = expression;
    this.values[this.prefix + column] = value;
    this.#shape.push(column);
    return this;
  }
}
