import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { vaultAcme } from "../fixtures/vault-acme";
import { startVaultSim, type VaultSim } from "./index";

// The simulator over HTTP, as Vault's API documents it: tokens, namespaces, LIST, the
// envelope, Vault's role checks and error shape, the write log.

let sim: VaultSim;
beforeAll(async () => {
  sim = await startVaultSim({
    fixture: { namespaces: { ...vaultAcme.namespaces, "team-a": { jwt: { config: { bound_issuer: "https://gitlab.com" }, roles: {} } } } },
    tokens: { "hvs.reader": { access: "read" }, "hvs.writer": { access: "write" }, "hvs.team": { access: "read", namespace: "team-a" } },
  });
});
afterAll(async () => sim.close());

const call = (path: string, token: string, init: RequestInit = {}, namespace?: string): Promise<Response> =>
  fetch(`${sim.url}${path}`, { ...init, headers: { "x-vault-token": token, ...(namespace ? { "x-vault-namespace": namespace } : {}) } });

describe("Vault simulator", () => {
  it("lists with GET ?list=true, reads a role in Vault's envelope with defaults", async () => {
    const listed = (await (await call("/v1/auth/jwt/role?list=true", "hvs.reader")).json()) as { data: { keys: string[] } };
    expect(listed.data.keys).toEqual(["k8s-platform", "payments-deploy"]);
    // node:http's parser refuses the LIST verb before any handler sees it (Vault documents GET ?list=true as its equivalent).
    expect((await call("/v1/auth/jwt/role", "hvs.reader", { method: "LIST" })).status).toBe(400);
    const role = (await (await call("/v1/auth/jwt/role/k8s-platform", "hvs.reader")).json()) as Record<string, unknown>;
    expect(role).toMatchObject({ lease_id: "", renewable: false, mount_type: "jwt", data: { bound_claims: { repository: "acme/*" }, bound_subject: "", expiration_leeway: 150, token_policies: ["platform-secrets"] } });
  });

  it("refuses a bad token and the wrong namespace with Vault's errors; an empty LIST is a 404 without errors", async () => {
    const bad = await call("/v1/auth/jwt/role?list=true", "hvs.nope");
    expect([bad.status, await bad.json()]).toEqual([403, { errors: ["permission denied"] }]);
    expect((await call("/v1/auth/jwt/role?list=true", "hvs.team")).status).toBe(403);
    const empty = await call("/v1/auth/jwt/role?list=true", "hvs.team", {}, "team-a");
    expect([empty.status, await empty.json()]).toEqual([404, { errors: [] }]);
    const noMount = await call("/v1/auth/oidc/role?list=true", "hvs.reader");
    expect(((await noMount.json()) as { errors: string[] }).errors[0]).toMatch(/^no handler for route "auth\/oidc\/role"/);
  });

  it("deletes and writes roles for a writer only, checks Vault's bound-constraint rule, logs every write", async () => {
    expect((await call("/v1/auth/jwt/role/k8s-platform", "hvs.reader", { method: "DELETE" })).status).toBe(403);
    const unbound = await call("/v1/auth/jwt/role/loose", "hvs.writer", { method: "POST", body: JSON.stringify({ role_type: "jwt", user_claim: "sub" }) });
    expect(await unbound.json()).toEqual({ errors: ["must have at least one bound constraint when creating/updating a role"] });
    expect((await call("/v1/auth/jwt/role/k8s-platform", "hvs.writer", { method: "DELETE" })).status).toBe(204);
    expect((await call("/v1/auth/jwt/role/k8s-platform", "hvs.reader")).status).toBe(404);
    expect(sim.writeLog.map((w) => `${w.method} ${w.path} ${w.status}`)).toEqual(["DELETE /v1/auth/jwt/role/k8s-platform 403", "POST /v1/auth/jwt/role/loose 400", "DELETE /v1/auth/jwt/role/k8s-platform 204"]);
    expect(Object.keys(sim.roles("jwt"))).toEqual(["payments-deploy"]);
  });
});
