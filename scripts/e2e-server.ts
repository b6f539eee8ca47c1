// The server the browser tests run against: the demo stack on a fresh embedded database
// in a temporary directory, removed when Playwright stops it.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { buildIfNeeded, startStack } from "./lib/stack";
import { E2E_GITHUB_USERS, E2E_IDP_USERS, E2E_VIEWERS } from "../e2e/identities";

const [appPort = "3100", idpPort = "3101", githubPort = "3102"] = process.argv.slice(2);
const dataDir = mkdtempSync(path.join(tmpdir(), "gatehouse-e2e-"));

await buildIfNeeded((s) => process.stdout.write(`${s}\n`));
const stack = await startStack({
  appPort: Number(appPort),
  idpPort: Number(idpPort),
  githubPort: Number(githubPort),
  dataDir,
  unconnectedOrgs: ["test-org"],
  extraIdpUsers: E2E_IDP_USERS,
  githubSignIn: { users: E2E_GITHUB_USERS },
  extraMembers: E2E_VIEWERS.map((email) => ({ email, role: "viewer" as const })),
  abandonedSyncOrgs: ["stale-org"],
  // e2e/review-week.spec.ts lets an exception expire: the expiry job runs every minute here.
  env: { EXCEPTION_EXPIRY_MINUTES: "1" },
});
process.stdout.write(`e2e server ready at ${stack.appUrl}\n`);

let stopping = false;
const shutdown = () => {
  if (stopping) return;
  stopping = true;
  void stack.stop().finally(() => {
    rmSync(dataDir, { recursive: true, force: true });
    process.exit(0);
  });
};
process.on("SIGINT", shutdown);
process.on("SIGTERM", shutdown);
