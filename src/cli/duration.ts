import { CliError, EXIT } from "./cli-errors.js";

const UNIT_MS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/**
 * "500ms", "30s", "5m", "2h", "30d" → milliseconds. The unit is required: a
 * bare `30` once meant 30 ms to `prune`, which then deleted every finished run.
 */
export function parseDuration(text: string, option: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)?$/.exec(text.trim());
  if (!match) throw new CliError(`${option}: "${text}" is not a duration (e.g. 30s, 5m, 2h, 30d)`, EXIT.usage);
  if (match[2] === undefined) {
    throw new CliError(`${option}: "${text}" has no unit; give one of ms, s, m, h, d (e.g. ${text}d for ${text} days)`, EXIT.usage);
  }
  return Number(match[1]) * UNIT_MS[match[2]]!;
}
