import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { JWT } from "google-auth-library";
import { gcpAcme } from "../fixtures/gcp-acme";
import { startGcpSim, type GcpSim } from "./index";

// The simulator driven by google-auth-library itself: its JWT-bearer grant must pass the
// signature check, and the IAM calls must answer in the REST shapes.

const READER = "ci-reader@acme-ci-identity.iam.gserviceaccount.com";
const GOOGLE_TOKEN = "https://oauth2.googleapis.com/token";
let sim: GcpSim;

beforeAll(async () => {
  sim = await startGcpSim({ fixture: gcpAcme, defaultPageSize: 1 });
});
afterAll(async () => sim.close());

/** A JWT client whose token request goes to the key file's token_uri (the simulator). */
function client(key: Record<string, string>): JWT {
  const jwt = new JWT({ email: key.client_email, key: key.private_key, scopes: ["https://www.googleapis.com/auth/cloud-platform"] });
  jwt.transporter.interceptors.request.add({
    resolved: async (o) => {
      if (o.url.href === GOOGLE_TOKEN) o.url = new URL(key.token_uri as string);
      return o;
    },
  });
  return jwt;
}

describe("Google Cloud simulator", () => {
  it("mints a token for a key it knows and lists pools page by page", async () => {
    const jwt = client(sim.serviceAccountKey(READER));
    const first = await jwt.request<{ workloadIdentityPools: { name: string }[]; nextPageToken?: string }>({ url: `${sim.url}/v1/projects/acme-ci-identity/locations/global/workloadIdentityPools` });
    expect(first.data.workloadIdentityPools.map((p) => p.name)).toEqual(["projects/481516234200/locations/global/workloadIdentityPools/github"]);
    expect(first.data.nextPageToken).toBeUndefined();
    const page1 = await jwt.request<{ workloadIdentityPoolProviders: { name: string; disabled?: boolean }[]; nextPageToken?: string }>({
      url: `${sim.url}/v1/projects/481516234200/locations/global/workloadIdentityPools/github/providers`,
    });
    expect(page1.data.workloadIdentityPoolProviders).toHaveLength(1);
    expect(page1.data.workloadIdentityPoolProviders[0]).not.toHaveProperty("disabled");
    const page2 = await jwt.request<{ workloadIdentityPoolProviders: { name: string; disabled?: boolean }[]; nextPageToken?: string }>({
      url: `${sim.url}/v1/projects/481516234200/locations/global/workloadIdentityPools/github/providers?pageToken=${page1.data.nextPageToken}`,
    });
    expect(page2.data.workloadIdentityPoolProviders[0]).toMatchObject({ name: expect.stringMatching(/providers\/acme-legacy$/), disabled: true });
    expect(page2.data.nextPageToken).toBeUndefined();
  });

  it("refuses a key whose signature it cannot verify, and requests without a token", async () => {
    const forged = { ...sim.serviceAccountKey(READER) };
    // The right email with another account's private key.
    forged.private_key = sim.serviceAccountKey("other@acme-ci-identity.iam.gserviceaccount.com").private_key as string;
    await expect(client(forged).request({ url: `${sim.url}/v1/projects/acme-ci-identity/serviceAccounts` })).rejects.toThrow(/invalid_grant: Invalid JWT Signature/);
    const res = await fetch(`${sim.url}/v1/projects/acme-ci-identity/serviceAccounts`);
    expect(res.status).toBe(401);
    expect(((await res.json()) as { error: { status: string } }).error.status).toBe("UNAUTHENTICATED");
  });

  it("patches a provider into a finished Operation, logs it, and refuses a read-only key", async () => {
    const name = "projects/481516234200/locations/global/workloadIdentityPools/github/providers/acme";
    const reader = client(sim.serviceAccountKey(READER));
    await expect(reader.request({ url: `${sim.url}/v1/${name}?updateMask=disabled`, method: "PATCH", data: { disabled: true } })).rejects.toMatchObject({ status: 403 });
    const writer = client(sim.serviceAccountKey("responder@acme-ci-identity.iam.gserviceaccount.com", "write"));
    const op = await writer.request<{ done: boolean; response: { disabled?: boolean; "@type": string } }>({ url: `${sim.url}/v1/${name}?updateMask=disabled`, method: "PATCH", data: { disabled: true } });
    expect(op.data).toMatchObject({ done: true, response: { "@type": "type.googleapis.com/google.iam.v1.WorkloadIdentityPoolProvider", disabled: true } });
    await writer.request({ url: `${sim.url}/v1/${name}?updateMask=disabled`, method: "PATCH", data: { disabled: false } });
    expect(sim.writeLog.map((w) => [w.method, w.status, w.body])).toEqual([
      ["PATCH", 403, { disabled: true }],
      ["PATCH", 200, { disabled: true }],
      ["PATCH", 200, { disabled: false }],
    ]);
    const policy = await reader.request<{ bindings: { role: string; members: string[] }[] }>({
      url: `${sim.url}/v1/projects/acme-payments-prod/serviceAccounts/payments-deploy@acme-payments-prod.iam.gserviceaccount.com:getIamPolicy`,
      method: "POST",
      data: {},
    });
    expect(policy.data.bindings[0]?.members[0]).toMatch(/^principalSet:\/\/iam\.googleapis\.com\/projects\/481516234200\/.*\/attribute\.repository\/acme\/payments-service$/);
  });
});
