import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { azureAcme, AZURE_ACME_SUBSCRIPTION, AZURE_ACME_TENANT } from "../fixtures/azure-acme";
import { startAzureSim, type AzureSim } from "./index";

// The simulator as a client sees it over HTTP: client-credentials tokens per resource,
// Graph's @odata.nextLink paging, ARM's api-version rule, the write log.

let sim: AzureSim;
beforeAll(async () => {
  sim = await startAzureSim({
    fixture: azureAcme,
    clients: [
      { clientId: "reader", clientSecret: "s3cret", access: "read" },
      { clientId: "responder", clientSecret: "r3sponder", access: "write" },
    ],
    defaultPageSize: 2,
  });
});
afterAll(async () => sim.close());

async function token(clientId: string, secret: string, scope = "https://graph.microsoft.com/.default"): Promise<Response> {
  return fetch(`${sim.url}/${AZURE_ACME_TENANT}/oauth2/v2.0/token`, { method: "POST", body: new URLSearchParams({ grant_type: "client_credentials", client_id: clientId, client_secret: secret, scope }) });
}
async function bearer(clientId: string, secret: string, scope?: string): Promise<Record<string, string>> {
  const body = (await (await token(clientId, secret, scope)).json()) as { access_token: string };
  return { authorization: `Bearer ${body.access_token}` };
}

describe("Azure simulator", () => {
  it("refuses a wrong secret with the identity platform's error, and a token for the wrong resource", async () => {
    const bad = await token("reader", "nope");
    expect(bad.status).toBe(401);
    expect(await bad.json()).toMatchObject({ error: "invalid_client", error_codes: [7000215] });
    const armToken = await bearer("reader", "s3cret", "https://management.azure.com/.default");
    const res = await fetch(`${sim.url}/v1.0/applications`, { headers: armToken });
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ error: { code: "InvalidAuthenticationToken", message: "Access token validation failure. Invalid audience." } });
  });

  it("pages applications with @odata.nextLink and honours $select", async () => {
    const headers = await bearer("reader", "s3cret");
    const first = (await (await fetch(`${sim.url}/v1.0/applications?$select=id,displayName`, { headers })).json()) as { value: object[]; "@odata.nextLink": string };
    expect(first.value).toEqual([
      { id: "3e8f1b2a-5c4d-4e6f-9a7b-0c1d2e3f4a5b", displayName: "acme-payouts-prod" },
      { id: "5a6b7c8d-9e0f-4a1b-8c2d-3e4f5a6b7c8d", displayName: "acme-payouts-staging" },
    ]);
    const second = (await (await fetch(first["@odata.nextLink"], { headers })).json()) as { value: { displayName: string }[]; "@odata.nextLink"?: string };
    expect(second.value.map((a) => a.displayName)).toEqual(["gatehouse-reader"]);
    expect(second["@odata.nextLink"]).toBeUndefined();
  });

  it("requires ARM's api-version, deletes only for a writer, and logs every delete", async () => {
    const reader = await bearer("reader", "s3cret", "https://management.azure.com/.default");
    const base = `${sim.url}/subscriptions/${AZURE_ACME_SUBSCRIPTION}/resourceGroups/rg-platform/providers/Microsoft.ManagedIdentity/userAssignedIdentities/aks-platform-deployer/federatedIdentityCredentials`;
    const noVersion = await fetch(base, { headers: reader });
    expect(((await noVersion.json()) as { error: { code: string } }).error.code).toBe("MissingApiVersionParameter");
    const list = (await (await fetch(`${base}?api-version=2023-01-31`, { headers: reader })).json()) as { value: { properties: { subject: string } }[] };
    expect(list.value[0]?.properties.subject).toBe("repo:acme/k8s-platform:environment:aks-prod");
    expect((await fetch(`${base}/k8s-platform-aks-prod?api-version=2023-01-31`, { method: "DELETE", headers: reader })).status).toBe(403);
    const writer = await bearer("responder", "r3sponder", "https://management.azure.com/.default");
    expect((await fetch(`${base}/k8s-platform-aks-prod?api-version=2023-01-31`, { method: "DELETE", headers: writer })).status).toBe(200);
    const graphWriter = await bearer("responder", "r3sponder");
    const del = await fetch(`${sim.url}/v1.0/applications/3e8f1b2a-5c4d-4e6f-9a7b-0c1d2e3f4a5b/federatedIdentityCredentials/payments-worker-production`, { method: "DELETE", headers: graphWriter });
    expect(del.status).toBe(204);
    expect(sim.writeLog.map((w) => `${w.method} ${w.status}`)).toEqual(["DELETE 403", "DELETE 200", "DELETE 204"]);
    expect(sim.fixture().applications[0]?.federatedIdentityCredentials).toEqual([]);
  });
});
