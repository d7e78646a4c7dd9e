import fc from "fast-check";

// Values for the hostile-input properties: what callers mean, and what a
// careless or hostile caller sends instead. Sizes stay moderate (the size
// tests cover megabytes); variety is the point.

/** Strings that look ordinary and strings that are not: surrogates, NUL, U+10FFFF, CJK, SQL, LIKE wildcards, long runs. */
export const hostileString = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.constantFrom(
    "", " ", "x\ud800", "\udc00y", "a\u0000b", "a\u{10FFFF}", "\u{10FFFF}", "%", "_", "\\", "a%_b\\",
    "'; drop table workflow_runs; --", "\" or 1=1 --", "null", "undefined", "__proto__", "constructor",
    "漢字かな", "😀", "\u200b", "\r\n", "k".repeat(801), "i".repeat(1_001), "漢".repeat(400), "x".repeat(10_001),
  ),
  fc.string({ unit: "binary", maxLength: 8 }),
);

/** Numbers at and beyond the edges of the columns. */
export const hostileNumber = fc.oneof(
  fc.integer({ min: -10, max: 10 }),
  fc.constantFrom(
    0, -0, 1.5, -1, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 2 ** 31, -(2 ** 31) - 1, 2 ** 31 - 1,
    Number.MAX_SAFE_INTEGER + 2, 1e308, 5e-324, 3_155_760_000_001,
  ),
  fc.double({ noNaN: false }),
);

/** Dates inside and outside years 1 to 9999, and invalid ones. */
export const hostileDate = fc.oneof(
  fc.date({ min: new Date("2000-01-01T00:00:00Z"), max: new Date("2100-01-01T00:00:00Z"), noInvalidDate: true }),
  fc.constantFrom(
    new Date(Number.NaN), new Date("0000-06-01T00:00:00Z"), new Date("+010000-01-01T00:00:00Z"), new Date(8.64e15), new Date(-8.64e15),
    new Date("0001-01-01T00:00:00.000Z"), new Date("9999-12-31T23:59:59.999Z"),
  ),
);

const cyclic = (): Record<string, unknown> => {
  const value: Record<string, unknown> = { a: 1 };
  value.self = value;
  return value;
};

/** Objects a JSON column might be given: plain ones, and everything else. */
const oddObject = fc.constantFrom<() => unknown>(
  () => new Date(0),
  () => new Map([["a", 1]]),
  () => new Set([1]),
  () => [1, undefined, , 3], // eslint-disable-line no-sparse-arrays
  () => ({ toJSON: () => undefined }),
  () => ({ toJSON: () => 1n }),
  () => ({ toJSON: () => "a\u0000b" }),
  () => ({ toJSON: () => Number.NaN }),
  () => ({ toJSON: () => ({ nested: "ok" }) }),
  () => JSON.parse('{"__proto__": {"polluted": true}, "b": 1}'),
  () => ({ fn: () => 1 }),
  () => ({ s: Symbol("s") }),
  () => ({ big: 2n }),
  () => cyclic(),
  () => Object.create(null),
  () => new String("boxed"),
  () => ({ u: undefined, n: null }),
);

/** A JSON value of any shape, with hostile leaves now and then. */
export const hostileJson: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.oneof(fc.string({ maxLength: 8 }), fc.integer(), fc.boolean(), fc.constant(null)),
    hostileString,
    hostileNumber,
    oddObject.map((make) => make()),
    fc.array(tie("value"), { maxLength: 4 }),
    fc.dictionary(hostileString, tie("value"), { maxKeys: 4 }),
  ),
})).value;

/** Anything at all, for arguments of the wrong type. */
export const anything: fc.Arbitrary<unknown> = fc.oneof(
  hostileString,
  hostileNumber,
  hostileDate,
  hostileJson,
  fc.constantFrom(undefined, null, true, false, () => 1, Symbol("x"), 10n),
);

/** `valid` mostly (so calls get past validation and reach the database), else something hostile. */
export const mostly = <T>(valid: fc.Arbitrary<T>, hostile: fc.Arbitrary<unknown> = anything): fc.Arbitrary<unknown> =>
  fc.oneof({ weight: 3, arbitrary: valid }, { weight: 1, arbitrary: hostile });

/** An object of `fields` (each present or not), sometimes with an unknown key, sometimes not an object at all. */
export function record(fields: Record<string, fc.Arbitrary<unknown>>, required: readonly string[] = []): fc.Arbitrary<unknown> {
  const shape = fc.record(fields, { requiredKeys: required as string[] });
  return fc.oneof(
    { weight: 6, arbitrary: shape },
    { weight: 1, arbitrary: shape.map((value) => ({ ...(value as object), unknownField: 1 })) },
    { weight: 1, arbitrary: anything },
  );
}
