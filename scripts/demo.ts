// `npm run demo`: the dashboard on the embedded database with the dev OpenID Provider and
// the seeded `acme` organisation. Ctrl-C stops everything it started.
import path from "node:path";
import { buildIfNeeded, startStack } from "./lib/stack";
import { DEMO_PASSWORD, DEMO_USERS } from "@/sim/oidc/demo-users";
import { DEMO_MEMBERS } from "@/lib/demo/seed-demo";
import { ACME_INCIDENT } from "@/sim/fixtures/acme-story";

const appPort = Number(process.env.PORT ?? 3000);
const idpPort = Number(process.env.DEMO_IDP_PORT ?? 3001);
const githubPort = Number(process.env.DEMO_GITHUB_PORT ?? 3002);
const dataDir = path.resolve(process.env.DATA_DIR ?? ".data");

try {
  await buildIfNeeded((s) => process.stdout.write(`${s}\n`));
  const stack = await startStack({ appPort, idpPort, githubPort, dataDir });
  const roleOf = (email: string) => DEMO_MEMBERS.find((m) => m.email === email)?.role ?? "?";
  process.stdout.write(
    [
      "",
      `Gatehouse demo is running: ${stack.appUrl}`,
      `  embedded database in ${dataDir}; dev identity provider at http://localhost:${idpPort}`,
      `  GitHub API simulator at ${stack.githubUrl} (GitHub App "Gatehouse (demo)"); synced ${stack.syncSummary}`,
      `  acme's clouds: Google Cloud ${stack.cloudUrls.gcp}, Azure ${stack.cloudUrls.azure}, Vault ${stack.cloudUrls.vault} (trust sources under Settings → Cloud trust; AWS is yours to add)`,
      `  acme's pipelines: Buildkite ${stack.pipelineUrls.buildkite}, Kubernetes cluster acme-prod ${stack.pipelineUrls.kubernetes} (sources under Settings → Pipelines)`,
      "  Sign in with (password for all: " + DEMO_PASSWORD + "):",
      ...DEMO_USERS.map((u) => `    ${u.email.padEnd(22)} ${roleOf(u.email)}`),
      `Incident drill: sign in as responder@acme.test, open ${stack.appUrl}/orgs/acme/blast-radius?type=action&id=${ACME_INCIDENT.action} and press Start an incident — ${ACME_INCIDENT.action}@${ACME_INCIDENT.ref} was re-pointed from ${stack.incidentWindow.from} to ${stack.incidentWindow.to}`,
      "Press Ctrl-C to stop.",
      "",
    ].join("\n"),
  );
  let stopping = false;
  const shutdown = () => {
    if (stopping) return;
    stopping = true;
    process.stdout.write("\nStopping the demo…\n");
    void stack.stop().then(() => process.exit(0));
  };
  process.on("SIGINT", shutdown);
  process.on("SIGTERM", shutdown);
  stack.server.on("exit", (code) => {
    if (!stopping) {
      process.stderr.write(`The Gatehouse server stopped unexpectedly (exit code ${code}).\n`);
      void stack.idp.close().then(() => process.exit(1));
    }
  });
} catch (err) {
  process.stderr.write(`The demo could not start: ${err instanceof Error ? err.message : String(err)}\n`);
  if (err instanceof Error && /EADDRINUSE/.test(err.message)) {
    process.stderr.write(`A port is taken: stop whatever uses ${appPort}, ${idpPort} or ${githubPort}, or set PORT, DEMO_IDP_PORT and DEMO_GITHUB_PORT.\n`);
  }
  process.exit(1);
}
