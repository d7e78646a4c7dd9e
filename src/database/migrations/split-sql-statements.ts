/**
 * Splits a SQL script into statements at top-level semicolons.
 *
 * Both drivers need this: better-sqlite3 prepares one statement at a time, and
 * a driver that sends parameters through the extended protocol (pg with values,
 * Prisma's raw API) does too. Semicolons inside quoted strings, quoted
 * identifiers, comments, PostgreSQL dollar-quoted bodies and SQLite trigger
 * bodies (`BEGIN … END`) do not split. Comment-only fragments are dropped.
 */
export function splitSqlStatements(script: string): string[] {
  const statements: string[] = [];
  // Where the current statement's first code character is (-1: none yet), so
  // comments between statements are not glued to the next one.
  let start = -1;
  let i = 0;
  const n = script.length;
  const markCode = () => {
    if (start === -1) start = i;
  };
  const pushStatement = (end: number) => {
    if (start !== -1) statements.push(script.slice(start, end).trim());
    start = -1;
  };

  while (i < n) {
    const ch = script[i]!;
    const next = script[i + 1];
    if (ch === "-" && next === "-") {
      const lineEnd = script.indexOf("\n", i);
      i = lineEnd === -1 ? n : lineEnd + 1;
    } else if (ch === "/" && next === "*") {
      const close = script.indexOf("*/", i + 2);
      i = close === -1 ? n : close + 2;
    } else if (ch === "'" || ch === '"' || ch === "`") {
      markCode();
      i = skipQuoted(script, i, ch);
    } else if (ch === "$" && /[A-Za-z_$]/.test(next ?? "")) {
      markCode();
      const tag = /^\$[A-Za-z_0-9]*\$/.exec(script.slice(i))?.[0];
      if (tag) {
        const close = script.indexOf(tag, i + tag.length);
        i = close === -1 ? n : close + tag.length;
      } else {
        i++;
      }
    } else if (ch === ";") {
      if (start !== -1 && isInsideTriggerBody(script.slice(start, i))) {
        i++;
      } else {
        pushStatement(i);
        i++;
      }
    } else {
      if (!/\s/.test(ch)) markCode();
      i++;
    }
  }
  pushStatement(n);
  return statements;
}

function skipQuoted(script: string, openAt: number, quote: string): number {
  let i = openAt + 1;
  while (i < script.length) {
    if (script[i] === quote) {
      // A doubled quote is an escaped quote, not the end.
      if (script[i + 1] === quote) {
        i += 2;
        continue;
      }
      return i + 1;
    }
    i++;
  }
  return script.length;
}

/**
 * In `CREATE TRIGGER … BEGIN stmt; stmt; END;` the inner semicolons belong to
 * the trigger. The fragment is inside the body while it has more BEGINs (and
 * CASEs) than ENDs, comments and strings stripped first.
 */
function isInsideTriggerBody(fragment: string): boolean {
  const code = fragment
    .replace(/--[^\n]*/g, " ")
    .replace(/\/\*[\s\S]*?\*\//g, " ")
    .replace(/'(?:[^']|'')*'/g, "''")
    .replace(/"(?:[^"]|"")*"/g, '""');
  if (!/^\s*create\s+(temp\s+|temporary\s+)?trigger\b/i.test(code)) return false;
  // CASE … END inside the body closes with END too, so it counts as an opener.
  const begins = code.match(/\b(begin|case)\b/gi)?.length ?? 0;
  const ends = code.match(/\bend\b/gi)?.length ?? 0;
  return begins > ends;
}
