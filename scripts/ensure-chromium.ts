// Makes sure Debian's Chromium is installed for the browser tests (Playwright cannot
// download its own browser here). Installs it with apt-get when that is possible.
import { existsSync } from "node:fs";
import { spawnSync } from "node:child_process";

const CHROMIUM = "/usr/bin/chromium";

if (!existsSync(CHROMIUM)) {
  const canApt = process.getuid?.() === 0 && spawnSync("which", ["apt-get"]).status === 0;
  if (!canApt) {
    process.stderr.write(
      `Chromium is missing (${CHROMIUM}). Install it with:\n  sudo apt-get update && sudo apt-get install -y chromium\nthen run the tests again.\n`,
    );
    process.exit(1);
  }
  process.stdout.write("Chromium is missing: installing Debian's chromium package with apt-get (about 30 s)…\n");
  const opts = { stdio: "inherit" as const, env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" } };
  if (spawnSync("apt-get", ["update"], opts).status !== 0 || spawnSync("apt-get", ["install", "-y", "chromium"], opts).status !== 0) {
    process.stderr.write("Installing chromium failed. Run: apt-get update && apt-get install -y chromium\n");
    process.exit(1);
  }
  process.stdout.write("Chromium installed.\n");
}
