import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { startKwpUi } from "../ui/ui-server-child.js";
import { kwp, kwpAsUser, KWP_BIN, ordinaryUserCanRunKwp } from "../support/kwp.js";
import { runNode } from "../support/spawn-child.js";


// Issue 29, item 9: when kwp cannot do what was asked, it says the next step.

describe("kwp says the next step", () => {
  it("refuses a bare word as --url, naming the accepted forms, and creates no file", async () => {
    const folder = mkdtempSync(join(tmpdir(), "kwp-bare-"));
    try {
      for (const args of [["migrate"], ["runs"]]) {
        const result = await runNode([KWP_BIN, "--url", "nc_b", ...args], { cwd: folder, env: { DATABASE_URL: "", NO_COLOR: "1" } });
        expect(result.code, args.join(" ")).toBe(2);
        expect(result.stderr).toContain('"nc_b" is neither a database URL nor a file path');
        expect(result.stderr).toContain("postgres://user@host/nc_b");
        expect(result.stderr).toContain("sqlite:./nc_b.db");
      }
      expect(readdirSync(folder)).toEqual([]);
      // A path-looking value is still a file: "./nc_b" and "nc_b.db" are.
      const made = await runNode([KWP_BIN, "--url", "nc_b.db", "--json", "migrate"], { cwd: folder, env: { DATABASE_URL: "", NO_COLOR: "1" } });
      expect(made.code).toBe(0);
      expect(existsSync(join(folder, "nc_b.db"))).toBe(true);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it("a missing SQLite file on a read command: no such file, the folder, and `kwp migrate` (exit 4)", async () => {
    const folder = mkdtempSync(join(tmpdir(), "kwp-missing-"));
    try {
      const file = join(folder, "app.db");
      for (const command of [["runs"], ["jobs"], ["run", "x"], ["ui", "--port", "0"]]) {
        const result = await kwp(`sqlite:${file}`, ...command);
        expect(result.code, command.join(" ")).toBe(4);
        expect(result.stderr).toContain(`no such file: sqlite:${file}`);
        expect(result.stderr).toContain(`in ${folder}`);
        expect(result.stderr).toContain(`--url 'sqlite:${file}' migrate\``);
      }
      const nowhere = await kwp(`sqlite:${join(folder, "no", "such", "app.db")}`, "migrate");
      expect(nowhere.code).toBe(3);
      expect(nowhere.stderr).toContain(`the folder ${join(folder, "no", "such")} does not exist`);
      expect(readdirSync(folder)).toEqual([]);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it.runIf(ordinaryUserCanRunKwp)("a database in a folder this user may not write: suggests --readonly, which then reads it", async () => {
    const folder = mkdtempSync(join(tmpdir(), "kwp-ro-folder-"));
    try {
      const file = join(folder, "app.db");
      expect((await kwp(`sqlite:${file}`, "--json", "migrate")).code).toBe(0);
      chmodSync(folder, 0o555);
      const refused = await kwpAsUser(`sqlite:${file}`, "runs");
      expect(refused.code).toBe(3);
      expect(refused.stderr).toContain(`its folder ${folder} is read-only for this user`);
      expect(refused.stderr).toContain("Add --readonly");
      const read = await kwpAsUser(`sqlite:${file}`, "--readonly", "runs");
      expect(read.code).toBe(0);
      expect(read.stdout).toContain("no runs");
    } finally {
      chmodSync(folder, 0o755);
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it("kwp ui on a port in use suggests --port; on Ctrl-C it exits 130 with one line", { timeout: 180_000 }, async () => {
    const folder = mkdtempSync(join(tmpdir(), "kwp-ui-port-"));
    const taken = createServer();
    try {
      const url = `sqlite:${join(folder, "app.db")}`;
      await kwp(url, "--json", "migrate");
      await new Promise<void>((resolve) => taken.listen(0, "127.0.0.1", resolve));
      const port = (taken.address() as { port: number }).port;
      const busy = await kwp(url, "ui", "--port", String(port));
      expect(busy.code).toBe(2);
      expect(busy.stderr).toContain(`port ${port} on 127.0.0.1 is in use: pass --port with another (--port 0 takes any free one)`);

      const ui = await startKwpUi(url);
      let stderr = "";
      ui.child.stderr!.on("data", (chunk) => (stderr += chunk));
      const exited = new Promise<number | null>((resolve) => ui.child.once("exit", (code) => resolve(code)));
      ui.child.kill("SIGINT");
      expect(await exited).toBe(130);
      expect(stderr.trim()).toBe("kwp ui stopped (SIGINT)");
    } finally {
      taken.close();
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
