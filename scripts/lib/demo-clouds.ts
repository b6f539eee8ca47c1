// The demo's clouds: acme's Google Cloud, Azure and Vault simulators (sim/{gcp,azure,vault}
// with sim/fixtures/*-acme.ts), the environment the server reads them with — the endpoint
// variables and the provider's standard credentials, fresh at every start (the GCP key file
// lives in the data dir) — and acme's three API trust sources "from the environment", added
// as Gatehouse (seed) before the start-up sync, which reads them and evaluates every trust.
// AWS is not seeded: in the demo an admin adds it (e2e/trust-sources.spec.ts).
import { randomBytes } from "node:crypto";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { eq } from "drizzle-orm";
import { startGcpSim } from "@/sim/gcp/server";
import { startAzureSim } from "@/sim/azure/server";
import { startVaultSim } from "@/sim/vault/server";
import { GCP_ACME_PROJECTS, gcpAcme } from "@/sim/fixtures/gcp-acme";
import { AZURE_ACME_SUBSCRIPTION, AZURE_ACME_TENANT, azureAcme } from "@/sim/fixtures/azure-acme";
import { vaultAcme } from "@/sim/fixtures/vault-acme";
import type { DatabaseHandle } from "@/lib/db/types";
import { organizations } from "@/lib/db/schema";
import { addEnvironmentSources, type EnvironmentSource } from "@/lib/trust-sources/system-sources";

/** The Entra app registration Gatehouse signs in as (the simulator accepts it with the secret made at start). */
const AZURE_CLIENT_ID = "5b0d7c3e-8a1f-4d2b-9e6c-3f7a1b5d9c02";
const GCP_SERVICE_ACCOUNT = "gatehouse@acme-ci-identity.iam.gserviceaccount.com";

export const DEMO_TRUST_SOURCES: EnvironmentSource[] = [
  { provider: "gcp", name: "Google Cloud: acme-ci-identity", settings: { projectId: gcpAcme.projectId, serviceAccountProjects: GCP_ACME_PROJECTS } },
  { provider: "azure", name: "Azure: acme tenant", settings: { tenantId: AZURE_ACME_TENANT, clientId: AZURE_CLIENT_ID, subscriptionId: AZURE_ACME_SUBSCRIPTION } },
  { provider: "vault", name: "Vault: auth/jwt", settings: { mount: "jwt" } },
];

export interface DemoClouds {
  /** The server's variables (lib/env.ts names) for reading the three clouds. */
  env: Record<string, string>;
  urls: { gcp: string; azure: string; vault: string };
  close(): Promise<void>;
}

/**
 * Starts the three simulators on free ports. Credentials have write access, like `npm run
 * sim:cloud`, so the demo's incident mode can revoke through them; nothing here is real.
 */
export async function startDemoClouds(dataDir: string): Promise<DemoClouds> {
  const azureSecret = randomBytes(24).toString("base64url");
  const vaultToken = `hvs.${randomBytes(18).toString("base64url")}`;
  const gcp = await startGcpSim({ fixture: gcpAcme });
  const azure = await startAzureSim({ fixture: azureAcme, clients: [{ clientId: AZURE_CLIENT_ID, clientSecret: azureSecret, access: "write" }] });
  const vault = await startVaultSim({ fixture: vaultAcme, tokens: { [vaultToken]: { access: "write" } } });
  const keyFile = path.join(dataDir, "gcp-sim-key.json");
  writeFileSync(keyFile, JSON.stringify(gcp.serviceAccountKey(GCP_SERVICE_ACCOUNT, "write"), null, 2), { mode: 0o600 });
  return {
    env: {
      GCP_IAM_ENDPOINT: gcp.url,
      GCP_TOKEN_URL: `${gcp.url}/token`,
      GOOGLE_APPLICATION_CREDENTIALS: keyFile,
      AZURE_LOGIN_ENDPOINT: azure.url,
      AZURE_GRAPH_ENDPOINT: azure.url,
      AZURE_ARM_ENDPOINT: azure.url,
      AZURE_CLIENT_SECRET: azureSecret,
      VAULT_ADDR: vault.url,
      VAULT_TOKEN: vaultToken,
    },
    urls: { gcp: gcp.url, azure: azure.url, vault: vault.url },
    close: async () => {
      await Promise.all([gcp.close(), azure.close(), vault.close()]);
    },
  };
}

/** acme's Google Cloud, Azure and Vault sources (from the environment), unless there already. */
export async function seedDemoTrustSources(handle: DatabaseHandle, orgSlug: string): Promise<string[]> {
  const [org] = await handle.db.select({ id: organizations.id }).from(organizations).where(eq(organizations.slug, orgSlug));
  if (!org) throw new Error(`demo org ${orgSlug} is not seeded`);
  return addEnvironmentSources(handle, { kind: "system", process: "seed", orgId: org.id, orgSlug }, DEMO_TRUST_SOURCES);
}
