import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startAzureSim, type AzureSim } from "@/sim/azure";
import { azureAcme, AZURE_ACME_SUBSCRIPTION, AZURE_ACME_TENANT } from "@/sim/fixtures/azure-acme";
import { evaluateOnAcme, rules } from "../test-support";
import type { AzureConnection } from "./client";
import { readAzure } from "./read";
import { applyAzureRevocation, planAzureRevocation, restoreAzureRevocation } from "./revoke";

const PROD = "d9b7bf1e-2c3a-4b5d-8e6f-7a8b9c0d1e2f";
const UAMI = `/subscriptions/${AZURE_ACME_SUBSCRIPTION}/resourcegroups/rg-platform/providers/Microsoft.ManagedIdentity/userAssignedIdentities/aks-platform-deployer/federatedIdentityCredentials/k8s-platform-aks-prod`;
let sim: AzureSim;
beforeEach(async () => {
  sim = await startAzureSim({
    fixture: azureAcme,
    clients: [
      { clientId: "2f4a6c8e-0b1d-4e3f-a5b7-c9d1e3f5a7b9", clientSecret: "reader-secret", access: "read" },
      { clientId: "responder", clientSecret: "responder-secret", access: "write" },
    ],
    defaultPageSize: 1,
  });
});
afterEach(async () => sim.close());

function conn(write = false): AzureConnection {
  return {
    tenantId: AZURE_ACME_TENANT,
    clientId: write ? "responder" : "2f4a6c8e-0b1d-4e3f-a5b7-c9d1e3f5a7b9",
    clientSecret: write ? "responder-secret" : "reader-secret",
    subscriptionId: AZURE_ACME_SUBSCRIPTION,
    loginEndpoint: sim.url,
    graphEndpoint: sim.url,
    armEndpoint: sim.url,
  };
}

describe("readAzure", () => {
  it("reads app and managed-identity credentials across Graph pages, as the evaluator's trusts", async () => {
    const read = await readAzure(conn());
    expect(read.warnings).toEqual([]);
    expect(read.trusts.map((t) => [t.id, t.name, t.provider === "azure" ? t.subject : null])).toEqual([
      [PROD, "payments-worker-production", "repo:acme/payments-worker:environment:production"],
      ["0e1f2a3b-4c5d-4e6f-8a9b-0c1d2e3f4a5c", "payments-worker-main", "repo:acme/payments-worker:ref:refs/heads/main"],
      [UAMI, "k8s-platform-aks-prod", "repo:acme/k8s-platform:environment:aks-prod"],
    ]);
    expect(read.details[PROD]).toMatchObject({ account: `tenant ${AZURE_ACME_TENANT}`, permissions: ["signs in as app acme-payouts-prod (client id 0c5c9f7e-3f8b-4a5e-9d61-8a2f4b7c1d90)"] });
    expect(read.details[UAMI]?.account).toBe(`tenant ${AZURE_ACME_TENANT} / subscription ${AZURE_ACME_SUBSCRIPTION}`);
  });

  it("evaluated on payments-worker: each credential matches exactly its job", async () => {
    const read = await readAzure(conn());
    const [prod, staging, uami] = evaluateOnAcme(read.trusts, "payments-worker");
    expect(prod?.matches.map((m) => [m.job, m.sub, m.decision])).toEqual([["deploy-production", "repo:acme/payments-worker:environment:production", "yes"]]);
    expect(staging?.matches.map((m) => [m.job, m.decision])).toEqual([["deploy-staging", "yes"]]);
    expect(rules(uami)).toContain("trust-unused");
    const [k8s] = evaluateOnAcme([read.trusts[2]!], "k8s-platform");
    expect(k8s?.matches.map((m) => m.job)).toEqual(["apply"]);
  });

  it("says what to do about a wrong secret, a wrong tenant, missing permissions", async () => {
    await expect(readAzure({ ...conn(), clientSecret: "wrong" })).rejects.toMatchObject({ kind: "credentials", message: expect.stringMatching(/AADSTS7000215.*check the tenant id, the client id and that the client secret is the secret's value/) });
    await expect(readAzure({ ...conn(), tenantId: "00000000-0000-0000-0000-000000000000" })).rejects.toMatchObject({ kind: "credentials", message: expect.stringMatching(/AADSTS90002/) });
    await expect(readAzure({ ...conn(), graphEndpoint: "http://127.0.0.1:9" })).rejects.toMatchObject({ kind: "network" });
    const partial = await readAzure({ ...conn(), subscriptionId: "ffffffff-0000-0000-0000-000000000000" });
    expect(partial.trusts).toHaveLength(2);
    expect(partial.warnings).toEqual([expect.stringMatching(/^Managed identities of subscription ffffffff-.* not read: Azure answered 404 .*SubscriptionNotFound/)]);
  });
});

describe("Entra revocation", () => {
  it("deletes the app's credential (exactly one DELETE), verifies, is idempotent, and recreates it", async () => {
    const plan = await planAzureRevocation(conn(), PROD);
    expect(plan.calls).toEqual([{ action: "DELETE", target: `/v1.0/applications/3e8f1b2a-5c4d-4e6f-9a7b-0c1d2e3f4a5b/federatedIdentityCredentials/${PROD}`, body: null }]);
    expect(plan.commands).toEqual([`az ad app federated-credential delete --id 0c5c9f7e-3f8b-4a5e-9d61-8a2f4b7c1d90 --federated-credential-id ${PROD}`]);
    expect(plan.summary).toMatch(/^Deletes federated credential payments-worker-production of app registration acme-payouts-prod .*Access tokens it already issued stay valid/);
    await expect(applyAzureRevocation(conn(), plan)).rejects.toMatchObject({ kind: "denied", message: expect.stringMatching(/Application\.ReadWrite\.OwnedBy/) });
    const result = await applyAzureRevocation(conn(true), plan);
    expect(result.verified).toBe(true);
    expect(sim.writeLog.map((w) => [w.method, w.path, w.status])).toEqual([
      ["DELETE", plan.calls[0]!.target, 403],
      ["DELETE", plan.calls[0]!.target, 204],
    ]);
    const again = await planAzureRevocation(conn(true), PROD);
    expect(again.calls).toEqual([]);

    const restored = await restoreAzureRevocation(conn(true), plan);
    expect(restored.verified).toBe(true);
    expect(sim.writeLog.at(-1)).toMatchObject({ method: "POST", status: 201, body: { name: "payments-worker-production", subject: "repo:acme/payments-worker:environment:production", audiences: ["api://AzureADTokenExchange"] } });
    expect(restored.plan.commands[0]).toMatch(/^az ad app federated-credential create --id 0c5c9f7e-3f8b-4a5e-9d61-8a2f4b7c1d90 --parameters '\{"name":"payments-worker-production"/);
    expect((await readAzure(conn())).trusts.filter((t) => t.name === "payments-worker-production")).toHaveLength(1);
    expect((await restoreAzureRevocation(conn(true), plan)).plan.calls).toEqual([]);
  });

  it("deletes and restores a managed identity's credential through ARM", async () => {
    const plan = await planAzureRevocation(conn(true), UAMI);
    expect(plan.commands).toEqual([`az identity federated-credential delete --name k8s-platform-aks-prod --identity-name aks-platform-deployer --resource-group rg-platform --subscription ${AZURE_ACME_SUBSCRIPTION} --yes`]);
    expect((await applyAzureRevocation(conn(true), plan)).verified).toBe(true);
    const restored = await restoreAzureRevocation(conn(true), plan);
    expect(restored.verified).toBe(true);
    expect(sim.writeLog.map((w) => `${w.method} ${w.status}`)).toEqual(["DELETE 200", "PUT 201"]);
    expect(sim.writeLog[1]?.body).toEqual({ properties: { issuer: "https://token.actions.githubusercontent.com", subject: "repo:acme/k8s-platform:environment:aks-prod", audiences: ["api://AzureADTokenExchange"] } });
  });
});
