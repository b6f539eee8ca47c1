import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { vaultAcme } from "@/sim/fixtures/vault-acme";
import { startVaultSim, type VaultSim } from "@/sim/vault";
import { evaluateOnAcme, rules } from "../test-support";
import type { VaultConnection } from "./client";
import { readVault } from "./read";
import { applyVaultRevocation, planVaultRevocation, restoreVaultRevocation } from "./revoke";

let sim: VaultSim;
beforeEach(async () => {
  sim = await startVaultSim({
    fixture: { namespaces: { ...vaultAcme.namespaces, ci: {
          gitlab: { config: { bound_issuer: "https://gitlab.com" }, roles: { deploy: { role_type: "jwt", user_claim: "sub", bound_audiences: ["x"] } } },
          buildkite: { config: { bound_issuer: "https://agent.buildkite.com" }, roles: { release: { role_type: "jwt", user_claim: "sub", bound_audiences: ["https://vault.acme.example"], bound_claims: { organization_slug: "acme" } } } },
        },
      },
    },
    tokens: { "hvs.reader": { access: "read" }, "hvs.writer": { access: "write" }, "hvs.ci": { access: "read", namespace: "ci" } },
  });
});
afterEach(async () => sim.close());

const conn = (token = "hvs.reader"): VaultConnection => ({ address: sim.url, token, mount: "jwt" });

describe("readVault", () => {
  it("reads acme's JWT roles as the evaluator's trusts, with their policies", async () => {
    const read = await readVault(conn());
    expect(read.warnings).toEqual([]);
    expect(read.trusts.map((t) => t.id)).toEqual(["vault:k8s-platform", "vault:payments-deploy"]);
    expect(read.trusts[0]).toMatchObject({ roleType: "jwt", boundClaims: { repository: ["acme/*"] }, boundClaimsType: "glob", boundAudiences: ["https://github.com/acme"] });
    expect(read.details["vault:k8s-platform"]).toEqual({
      account: sim.url,
      resource: "auth/jwt/role/k8s-platform",
      permissions: ["policy platform-secrets, token TTL 1800 s", "policy default, token TTL 1800 s"],
      permissionsNote: "The policies' rules are not read (sys/policy needs a broader token).",
    });
  });

  it("evaluated on acme's workflows: payments-deploy only for the production deploy, k8s-platform for any acme repository", async () => {
    const read = await readVault(conn());
    const [k8s, payments] = evaluateOnAcme(read.trusts, "payments-service", ["repo", "context", "job_workflow_ref"]);
    expect(payments?.matches.map((m) => [m.path, m.job, m.decision])).toEqual([[".github/workflows/deploy.yml", "deploy", "yes"]]);
    expect(rules(payments)).not.toContain("trust-pull-request");
    // payments-service's deploy job could log in with k8s-platform's role: over-broad.
    expect(k8s?.matches.map((m) => m.job)).toContain("deploy");
    expect(rules(k8s)).toEqual(expect.arrayContaining(["trust-wildcard-repo", "trust-pull-request", "trust-broader-than-use"]));
    const [own] = evaluateOnAcme([read.trusts[0]!], "k8s-platform");
    expect(own?.matches.map((m) => [m.job, m.decision])).toEqual([["apply", "yes"]]);
  });

  it("skips a mount bound to another issuer, and says what to do about a bad token or mount", async () => {
    const other = await readVault({ address: sim.url, token: "hvs.ci", mount: "gitlab", namespace: "ci" });
    expect(other).toEqual({ trusts: [], details: {}, warnings: ["auth/gitlab trusts tokens of https://gitlab.com, not GitHub Actions: its roles are not read as GitHub trusts."] });
    // A mount bound to Buildkite's issuer: its roles are Buildkite trusts, carrying the issuer.
    const buildkite = await readVault({ address: sim.url, token: "hvs.ci", mount: "buildkite", namespace: "ci" });
    expect(buildkite.trusts).toMatchObject([{ id: "vault:release", issuer: "https://agent.buildkite.com", boundClaims: { organization_slug: ["acme"] } }]);
    await expect(readVault(conn("hvs.expired"))).rejects.toMatchObject({ kind: "denied", message: expect.stringMatching(/the token is invalid or expired, or its policy lacks "list" on auth\/jwt\/role/) });
    await expect(readVault({ ...conn(), mount: "github" })).rejects.toMatchObject({ kind: "shape", message: "No auth method is mounted at auth/github: check the mount path (vault auth list)." });
    await expect(readVault({ ...conn(), address: "http://127.0.0.1:9" })).rejects.toMatchObject({ kind: "network", message: expect.stringMatching(/check VAULT_ADDR/) });
  });
});

describe("Vault revocation", () => {
  it("deletes the role (exactly one DELETE), verifies, is idempotent, and writes it back", async () => {
    const plan = await planVaultRevocation(conn(), "vault:k8s-platform");
    expect(plan.calls).toEqual([{ action: "DELETE", target: "/v1/auth/jwt/role/k8s-platform", body: null }]);
    expect(plan.commands).toEqual(["vault delete auth/jwt/role/k8s-platform"]);
    expect(plan.summary).toMatch(/stay valid until their TTL ends \(token_ttl 1800 s\)/);
    expect(plan.previous).toMatchObject({ name: "k8s-platform", data: { bound_claims: { repository: "acme/*" } } });
    await expect(applyVaultRevocation(conn(), plan)).rejects.toMatchObject({ kind: "denied" });
    const result = await applyVaultRevocation(conn("hvs.writer"), plan);
    expect(result.verified).toBe(true);
    expect(sim.writeLog.map((w) => `${w.method} ${w.path} ${w.status}`)).toEqual(["DELETE /v1/auth/jwt/role/k8s-platform 403", "DELETE /v1/auth/jwt/role/k8s-platform 204"]);
    expect((await planVaultRevocation(conn(), "vault:k8s-platform")).calls).toEqual([]);

    const restored = await restoreVaultRevocation(conn("hvs.writer"), plan);
    expect(restored.verified).toBe(true);
    expect(restored.plan.commands[0]).toMatch(/^echo '\{"role_type":"jwt".*' \| vault write auth\/jwt\/role\/k8s-platform -$/);
    expect(sim.writeLog.at(-1)).toMatchObject({ method: "POST", status: 204, body: { bound_claims: { repository: "acme/*" }, token_policies: ["platform-secrets"] } });
    expect((await readVault(conn())).trusts.map((t) => t.id)).toEqual(["vault:k8s-platform", "vault:payments-deploy"]);
    expect((await restoreVaultRevocation(conn("hvs.writer"), plan)).plan.calls).toEqual([]);
  });

  it("names the namespace in the command", async () => {
    const plan = await planVaultRevocation({ address: sim.url, token: "hvs.ci", mount: "gitlab", namespace: "ci" }, "vault:deploy");
    expect(plan.commands).toEqual(["vault delete -namespace=ci auth/gitlab/role/deploy"]);
  });
});
