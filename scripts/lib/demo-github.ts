// The demo's GitHub: the bundled simulator serving the `acme` organisation, with two GitHub
// Apps whose key pairs are made fresh at every start (the private keys only ever live in this
// process and the server's environment): the reader, which syncs (read permissions only), and
// the responder, which incident mode acts with (RESPONDER_PERMISSIONS). The demo connects acme
// to the reader's installation and syncs it before the server opens, so the inventory is there
// on the first page.
import { generateKeyPairSync, randomBytes } from "node:crypto";
import { eq } from "drizzle-orm";
import { startGithubSim, type GithubSim } from "@/sim/github";
import { loadBundledOrg } from "@/sim/fixtures/load";
import type { SimUserOptions } from "@/sim/github/users";
import type { DatabaseHandle } from "@/lib/db/types";
import { githubConnections, organizations } from "@/lib/db/schema";
import { createGithubClient } from "@/lib/github/client";
import { SYNC_TOKEN_PERMISSIONS } from "@/lib/github/permissions";
import { RESPONDER_PERMISSIONS } from "@/lib/github/responder";
import { createOrgFetcher } from "@/lib/github/fetch";
import { runSync } from "@/lib/inventory/sync-service";
import { dbEtagStore } from "@/lib/connections/etag-store";
import { createSyncRun, latestSyncRun } from "@/lib/connections/connection-repo";
import { afterRunEnds } from "@/lib/connections/sync-runner";

export const DEMO_APP_ID = 4242;
export const DEMO_RESPONDER_APP_ID = 4243;

function rsaKeyPair() {
  return generateKeyPairSync("rsa", {
    modulusLength: 2048,
    publicKeyEncoding: { type: "spki", format: "pem" },
    privateKeyEncoding: { type: "pkcs8", format: "pem" },
  });
}

export interface DemoGithub {
  sim: GithubSim;
  env: Record<string, string>;
  /** the instant the fixtures' relative dates were resolved against (acme's incident window follows it) */
  loadedAt: number;
}

/** Sign-in with GitHub against the simulator: these users, an OAuth app calling back to the app. */
export interface DemoGithubSignIn {
  users: SimUserOptions[];
}

export async function startDemoGithub(opts: { port: number; appUrl: string; orgs: string[]; signIn?: DemoGithubSignIn }): Promise<DemoGithub & { privateKey: string }> {
  const { privateKey, publicKey } = rsaKeyPair();
  const responder = rsaKeyPair();
  const webhookSecret = randomBytes(24).toString("hex");
  const oauthApp = opts.signIn
    ? { clientId: "Ov23liGatehouseDemo", clientSecret: randomBytes(20).toString("hex"), callbackUrl: `${opts.appUrl}/api/auth/callback/github`, name: "Gatehouse (demo)" }
    : null;
  const loadedAt = Date.now();
  const sim = await startGithubSim({
    port: opts.port,
    orgs: opts.orgs.map((o) => loadBundledOrg(o, { now: loadedAt })),
    app: {
      id: DEMO_APP_ID,
      slug: "gatehouse-demo",
      name: "Gatehouse (demo)",
      publicKeyPem: publicKey,
      webhookSecret,
      webhookUrl: `${opts.appUrl}/api/github/webhooks`,
      // The reader App: read permissions only, exactly what the sync needs (least privilege).
      installations: Object.fromEntries(opts.orgs.map((o) => [o, { permissions: { ...SYNC_TOKEN_PERMISSIONS } }])),
    },
    // The responder App: the writes incident mode makes, nothing else; no webhooks.
    responderApp: {
      id: DEMO_RESPONDER_APP_ID,
      slug: "gatehouse-demo-responder",
      name: "Gatehouse responder (demo)",
      publicKeyPem: responder.publicKey,
      installations: Object.fromEntries(opts.orgs.map((o) => [o, { permissions: { ...RESPONDER_PERMISSIONS } }])),
    },
    users: opts.signIn?.users ?? [],
    oauthApps: oauthApp ? [oauthApp] : [],
  });
  return {
    sim,
    privateKey,
    loadedAt,
    env: {
      GITHUB_API_URL: sim.url,
      GITHUB_APP_ID: String(DEMO_APP_ID),
      GITHUB_APP_PRIVATE_KEY: privateKey.replace(/\n/g, "\\n"),
      GITHUB_WEBHOOK_SECRET: webhookSecret,
      GITHUB_RESPONDER_APP_ID: String(DEMO_RESPONDER_APP_ID),
      GITHUB_RESPONDER_APP_PRIVATE_KEY: responder.privateKey.replace(/\n/g, "\\n"),
      // The GitHub sign-in talks to the simulator as to GitHub Enterprise Server (/login/oauth, /api/v3).
      ...(oauthApp ? { AUTH_GITHUB_ID: oauthApp.clientId, AUTH_GITHUB_SECRET: oauthApp.clientSecret, AUTH_GITHUB_ENTERPRISE_URL: sim.url } : {}),
    },
  };
}

/** Connects a Gatehouse org to the simulator's installation and syncs it, unless that was done before. */
export async function connectAndSyncDemo(handle: DatabaseHandle, gh: DemoGithub & { privateKey: string }, orgSlug: string): Promise<string> {
  const { db } = handle;
  const [org] = await db.select({ id: organizations.id }).from(organizations).where(eq(organizations.slug, orgSlug));
  if (!org) throw new Error(`demo org ${orgSlug} is not seeded`);
  const installation = gh.sim.core.installationForOrg(orgSlug);
  if (!installation) throw new Error(`the simulator has no installation for ${orgSlug}`);
  // Installation ids are stable across demo restarts, the App key is not: the row is refreshed.
  const values = { kind: "app" as const, baseUrl: gh.sim.url, installationId: installation.id, accountLogin: orgSlug, permissions: { ...installation.permissions } as Record<string, string>, updatedAt: new Date() };
  await db.insert(githubConnections).values({ orgId: org.id, ...values }).onConflictDoUpdate({ target: githubConnections.orgId, set: values });
  const last = await latestSyncRun(db, org.id);
  const runId = await createSyncRun(db, org.id, { scope: "org", trigger: "startup", requestedBy: null });
  const client = createGithubClient({ kind: "app", baseUrl: gh.sim.url, appId: DEMO_APP_ID, privateKey: gh.privateKey, installationId: installation.id, account: orgSlug, permissions: SYNC_TOKEN_PERMISSIONS });
  await runSync(db, createOrgFetcher({ client, org: orgSlug, etags: dbEtagStore(db, org.id) }), { orgId: org.id, runId });
  await afterRunEnds(handle, org.id, runId);
  const run = await latestSyncRun(db, org.id);
  return `${orgSlug}: ${run?.message ?? run?.status ?? "synced"}${last ? "" : " (first sync)"}`;
}
