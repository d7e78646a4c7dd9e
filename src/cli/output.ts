import Table from "cli-table3";
import { styleText } from "node:util";

/** Colours on a terminal that wants them (https://no-color.org: NO_COLOR set and not empty turns them off). */
export function colourEnabled(json: boolean): boolean {
  return !json && process.stdout.isTTY === true && !process.env.NO_COLOR;
}

/** `text` in bold (or as it is, without colours). */
export const emphasis = (text: string, colour: boolean) => (colour ? styleText("bold", text) : text);

/** Where a command's results go: a table for people, or JSON for scripts. */
export interface Output {
  readonly json: boolean;
  /** Prints `value` as JSON, or `human()` as text. */
  result(value: unknown, human: () => string): void;
  /** A line for people only (suppressed with --json). */
  note(line: string): void;
}

export function createOutput(json: boolean, write: (text: string) => void = (text) => process.stdout.write(text)): Output {
  return {
    json,
    result(value, human) {
      write(json ? `${JSON.stringify(value, null, 2)}\n` : `${human()}\n`);
    },
    note(line) {
      if (!json) write(`${line}\n`);
    },
  };
}

/** A table; plain unless `colour` (headings in cyan), so it reads the same in a log or a test. */
export function table(head: string[], rows: Array<Array<string | number | null | undefined>>, colour = false): string {
  const rendered = new Table({ head, style: { head: colour ? ["cyan"] : [], border: [] } });
  for (const row of rows) rendered.push(row.map((cell) => (cell === null || cell === undefined ? "" : String(cell))));
  return rendered.toString();
}

export const formatDate = (date: Date | null | undefined) => (date ? date.toISOString().replace("T", " ").slice(0, 19) : "");
