import { createInterface } from "node:readline/promises";
import { CliError, EXIT } from "./cli-errors.js";

/**
 * Asks before a destructive step. On a terminal: a yes/no question (anything
 * but y/yes declines). Elsewhere nobody can answer, so without `--yes` the
 * command refuses instead of guessing.
 */
export async function confirm(question: string, assumeYes: boolean, flagHint: string): Promise<boolean> {
  if (assumeYes) return true;
  if (!process.stdin.isTTY) {
    throw new CliError(`${question.replace(/\?$/, "")}: not confirmed; pass --yes to confirm (${flagHint})`, EXIT.usage);
  }
  const prompt = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await prompt.question(`${question} [y/N] `);
    return /^(y|yes)$/i.test(answer.trim());
  } finally {
    prompt.close();
  }
}
