// Starts what the demo and the browser tests need: the dev OpenID Provider and the
// Gatehouse server (`next start`) on the embedded database, seeded with the demo org.
// Tooling: it builds the server's environment, so it writes process.env for the child — and,
// for the demo clouds' and pipelines' variables only, its own (its start-up sync reads the
// trust and pipeline sources).
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync, readdirSync } from "node:fs";
import { randomBytes } from "node:crypto";
import path from "node:path";
import { startDevOidcProvider, type DevOidcServer } from "@/sim/oidc/dev-oidc-provider";
import { DEMO_USERS, type DevUser } from "@/sim/oidc/demo-users";
import { memberships, organizations } from "@/lib/db/schema";
import type { Role } from "@/lib/authz/roles";
import { eq } from "drizzle-orm";
import { openDatabase } from "@/lib/db/open";
import { migrateDatabase } from "@/lib/db/migrate";
import { seedDemo } from "@/lib/demo/seed-demo";
import { connectAndSyncDemo, startDemoGithub, type DemoGithubSignIn } from "./demo-github";
import { seedAbandonedSync } from "./demo-abandoned-sync";
import { acmeIncidentWindow } from "@/sim/fixtures/acme-story";
import { seedDemoTrustSources, startDemoClouds } from "./demo-clouds";
import { seedDemoPipelineSources, startDemoPipelines } from "./demo-pipelines";
import { startAwsSim } from "@/sim/aws";
import { ACME_AWS, ACME_AWS_KEYS } from "@/sim/fixtures/aws-acme";

export interface StackOptions {
  appPort: number;
  idpPort: number;
  githubPort: number;
  /** acme's AWS account (sim/aws); default githubPort + 1. Its control API: GET /_sim/write-log. */
  awsPort?: number;
  /** acme's Buildkite organization (sim/buildkite) and cluster (sim/kubernetes); default githubPort + 2 and + 3. */
  buildkitePort?: number;
  kubernetesPort?: number;
  /** Extra Gatehouse organisations (admin: admin@acme.test), seeded but not connected to GitHub. */
  unconnectedOrgs?: string[];
  /** Extra organisations (admin: admin@acme.test) whose sync's process died mid-sync (demo-abandoned-sync.ts). */
  abandonedSyncOrgs?: string[];
  dataDir: string;
  /** Extra environment for the server (e.g. BOOTSTRAP_ADMIN_EMAILS). */
  env?: Record<string, string>;
  /** Dev IdP users besides the demo's three (e.g. with an unverified email). */
  extraIdpUsers?: DevUser[];
  /** Sign-in with GitHub through the simulator, with these users. */
  githubSignIn?: DemoGithubSignIn;
  /** Further members of the demo organisation, seeded like the demo's own. */
  extraMembers?: { email: string; role: Role }[];
}

export interface Stack {
  appUrl: string;
  githubUrl: string;
  /** acme's Google Cloud, Azure and Vault simulators */
  cloudUrls: { gcp: string; azure: string; vault: string };
  /** acme's AWS account (sim/aws) */
  awsUrl: string;
  /** acme's Buildkite organization and cluster acme-prod (sim/buildkite, sim/kubernetes) */
  pipelineUrls: { buildkite: string; kubernetes: string };
  syncSummary: string;
  /** acme's incident drill: its compromise window, as the simulator serves acme's runs */
  incidentWindow: { from: string; to: string };
  idp: DevOidcServer;
  server: ChildProcess;
  stop(): Promise<void>;
}

const ROOT = process.cwd();
const SOURCE_DIRS = ["app", "components", "lib"];
const SOURCE_FILES = ["next.config.ts", "proxy.ts", "package.json", "postcss.config.mjs", "instrumentation.ts", "tsconfig.json"];

/** True when .next is missing or older than any source file it was built from. */
export function needsBuild(): boolean {
  const buildId = path.join(ROOT, ".next", "BUILD_ID");
  if (!existsSync(buildId)) return true;
  const builtAt = statSync(buildId).mtimeMs;
  const newer = (p: string): boolean => {
    const st = statSync(p);
    if (st.isDirectory()) return readdirSync(p).some((e) => newer(path.join(p, e)));
    return st.mtimeMs > builtAt;
  };
  return [...SOURCE_DIRS, ...SOURCE_FILES].map((p) => path.join(ROOT, p)).filter(existsSync).some(newer);
}

export function run(cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: "inherit", env });
    child.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`${cmd} ${args.join(" ")} exited with ${code}`))));
    child.on("error", reject);
  });
}

function nextBin(): string {
  return path.join(ROOT, "node_modules", "next", "dist", "bin", "next");
}

export async function buildIfNeeded(log: (s: string) => void): Promise<void> {
  if (!needsBuild()) return;
  log("Building the app (next build)…");
  await run(process.execPath, [nextBin(), "build"], { ...process.env, NEXT_TELEMETRY_DISABLED: "1" });
}

/** A secret kept beside the demo data so sessions survive a restart of the demo. */
function demoSecret(dataDir: string): string {
  const file = path.join(dataDir, "demo-auth-secret");
  if (existsSync(file)) return readFileSync(file, "utf8").trim();
  const secret = randomBytes(32).toString("base64url");
  writeFileSync(file, secret, { mode: 0o600 });
  return secret;
}

export async function startStack(opts: StackOptions): Promise<Stack> {
  mkdirSync(opts.dataDir, { recursive: true });
  const appUrl = `http://localhost:${opts.appPort}`;
  const issuer = `http://localhost:${opts.idpPort}`;
  const clientSecret = randomBytes(24).toString("base64url");

  const github = await startDemoGithub({ port: opts.githubPort, appUrl, orgs: ["acme", ...(opts.unconnectedOrgs ?? [])], signIn: opts.githubSignIn });
  // acme's Google Cloud, Azure and Vault. The start-up sync below reads their trust sources in
  // this process, so their variables go into this process's environment too (before lib/env
  // first parses it), not only the server's.
  const clouds = await startDemoClouds(opts.dataDir);
  Object.assign(process.env, clouds.env);
  // acme's Buildkite organization and cluster: read by the same start-up sync, so the same.
  const pipelines = await startDemoPipelines(opts.dataDir, { buildkite: opts.buildkitePort ?? opts.githubPort + 2, kubernetes: opts.kubernetesPort ?? opts.githubPort + 3 });
  Object.assign(process.env, pipelines.env);
  // acme's AWS account: the server reads it with the read-only key, revokes with the responder's.
  const aws = await startAwsSim({ ...ACME_AWS, port: opts.awsPort ?? opts.githubPort + 1, accessKeys: [ACME_AWS_KEYS.readOnly, ACME_AWS_KEYS.responder] });

  // Migrate, seed and sync before the server opens the embedded database (one process at a time).
  const handle = await openDatabase({ dataDir: opts.dataDir });
  let syncSummary: string;
  try {
    await migrateDatabase(handle);
    await seedDemo(handle.db, [...(opts.unconnectedOrgs ?? []), ...(opts.abandonedSyncOrgs ?? [])]);
    if (opts.extraMembers?.length) {
      const [acme] = await handle.db.select({ id: organizations.id }).from(organizations).where(eq(organizations.slug, "acme"));
      await handle.db
        .insert(memberships)
        .values(opts.extraMembers.map((m) => ({ orgId: acme!.id, email: m.email, role: m.role, source: "seed" as const })))
        .onConflictDoNothing();
    }
    await seedDemoTrustSources(handle, "acme");
    await seedDemoPipelineSources(handle, "acme");
    syncSummary = await connectAndSyncDemo(handle, github, "acme");
    for (const slug of opts.abandonedSyncOrgs ?? []) await seedAbandonedSync(handle.db, slug, github.sim.url);
  } catch (err) {
    await github.sim.close();
    await clouds.close();
    await pipelines.close();
    await aws.close();
    throw err;
  } finally {
    await handle.close();
  }

  const idp = await startDevOidcProvider({
    issuer,
    port: opts.idpPort,
    users: [...DEMO_USERS, ...(opts.extraIdpUsers ?? [])],
    clients: [
      {
        clientId: "gatehouse-demo",
        clientSecret,
        redirectUris: [`${appUrl}/api/auth/callback/oidc`],
        postLogoutRedirectUris: [`${appUrl}/signin`],
      },
    ],
  });

  const server = spawn(process.execPath, [nextBin(), "start", "-H", "127.0.0.1", "-p", String(opts.appPort)], {
    stdio: ["ignore", "inherit", "inherit"],
    env: {
      ...process.env,
      NODE_ENV: "production",
      NEXT_TELEMETRY_DISABLED: "1",
      // Let lib/db close PGlite on SIGTERM/SIGINT before the process exits (Next would exit first).
      NEXT_MANUAL_SIG_HANDLE: "true",
      DATA_DIR: opts.dataDir,
      DATABASE_URL: "",
      AUTH_SECRET: demoSecret(opts.dataDir),
      AUTH_URL: appUrl,
      AUTH_TRUST_HOST: "true",
      AUTH_OIDC_ISSUER: issuer,
      AUTH_OIDC_CLIENT_ID: "gatehouse-demo",
      AUTH_OIDC_CLIENT_SECRET: clientSecret,
      AUTH_OIDC_NAME: "Acme SSO (demo)",
      ...github.env,
      ...clouds.env,
      ...pipelines.env,
      AWS_ENDPOINT_URL_IAM: aws.url,
      AWS_REGION: "us-east-1",
      AWS_ACCESS_KEY_ID: ACME_AWS_KEYS.readOnly.accessKeyId,
      AWS_SECRET_ACCESS_KEY: ACME_AWS_KEYS.readOnly.secretAccessKey,
      AWS_RESPONDER_ACCESS_KEY_ID: ACME_AWS_KEYS.responder.accessKeyId,
      AWS_RESPONDER_SECRET_ACCESS_KEY: ACME_AWS_KEYS.responder.secretAccessKey,
      SYNC_INTERVAL_MINUTES: "0",
      ...opts.env,
    },
  });

  const stop = async () => {
    if (server.exitCode === null) {
      const exited = new Promise((r) => server.once("exit", r));
      server.kill("SIGTERM");
      await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
    }
    await idp.close();
    await github.sim.close();
    await clouds.close();
    await pipelines.close();
    await aws.close();
  };

  try {
    await waitForHealth(`http://127.0.0.1:${opts.appPort}/api/health`, server, 120_000);
  } catch (err) {
    await stop();
    throw err;
  }
  return { appUrl, githubUrl: github.sim.url, cloudUrls: clouds.urls, awsUrl: aws.url, pipelineUrls: pipelines.urls, syncSummary, incidentWindow: acmeIncidentWindow(github.loadedAt), idp, server, stop };
}

async function waitForHealth(url: string, server: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (server.exitCode !== null) throw new Error(`the Gatehouse server exited with code ${server.exitCode} during start-up (see its message above)`);
    try {
      const res = await fetch(url);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`the Gatehouse server did not answer ${url} within ${timeoutMs / 1000} s`);
}
