/**
 * HTML built from templates whose every interpolated value is escaped,
 * unless it is already SafeHtml (the output of `html` itself): a run's name,
 * a log line or a JSON payload holding `<script>` renders as text.
 */
export class SafeHtml {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

const ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/**
 * Characters that change how text around them reads without being seen:
 * bidi embeddings, overrides and isolates (U+202E turns "evil‮exe.txt"
 * around), marks, zero-width characters, the BOM and C0/C1 controls other
 * than tab and newline. Shown as a visible `⟦U+202E⟧`, never applied.
 */
const INVISIBLE = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u061C\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF]/g;

export const showInvisible = (value: string): string =>
  value.replace(INVISIBLE, (c) => `⟦U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")}⟧`);

export function escapeHtml(value: string): string {
  return showInvisible(value).replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

function render(value: unknown): string {
  if (value instanceof SafeHtml) return value.text;
  if (Array.isArray(value)) return value.map(render).join("");
  if (value === null || value === undefined || value === false) return "";
  return escapeHtml(String(value));
}

export function html(strings: TemplateStringsArray, ...values: unknown[]): SafeHtml {
  let out = strings[0]!;
  for (let i = 0; i < values.length; i++) out += render(values[i]) + strings[i + 1]!;
  return new SafeHtml(out);
}
