import { describe, expect, it } from "vitest";
import { vaultRole } from "./parse-providers";
import { cat, hole } from "./symbolic";
import { pushToken } from "./test-support";
import { withClaims } from "./token";
import { matchVault } from "./vault-match";

const token = (over: Record<string, string> = {}) => pushToken({ aud: "https://github.com/acme", ...over });
const role = (data: Record<string, unknown>) => vaultRole({ data: { role_type: "jwt", user_claim: "repository", bound_audiences: ["https://github.com/acme"], ...data } }, "ci");

describe("Vault JWT roles (api-docs/auth/jwt, vault-plugin-auth-jwt path_login.go and claims.go)", () => {
  // GitHub's OIDC reference: bound_subject="repo:octo-org/octo-repo:ref:refs/heads/demo-branch".
  it("bound_subject is exact", () => {
    const r = role({ bound_subject: "repo:octo-org/octo-repo:ref:refs/heads/demo-branch" });
    expect(matchVault(r, token({ sub: "repo:octo-org/octo-repo:ref:refs/heads/demo-branch" }))).toBe("yes");
    expect(matchVault(r, token())).toBe("no");
  });
  it("bound_claims: keys are AND, a list of values OR; string mode is exact", () => {
    const r = role({ bound_claims: { repository: ["acme/a", "acme/app"], ref: "refs/heads/main" } });
    expect(matchVault(r, token())).toBe("yes");
    expect(matchVault(r, token({ ref: "refs/heads/dev" }))).toBe("no");
    expect(matchVault(role({ bound_claims: { sub: "repo:acme/*" } }), token())).toBe("no");
  });
  it("glob mode: only `*` is special", () => {
    expect(matchVault(role({ bound_claims_type: "glob", bound_claims: { sub: "repo:acme/*" } }), token())).toBe("yes");
    expect(matchVault(role({ bound_claims_type: "glob", bound_claims: { sub: "repo:acme/ap?:*" } }), token())).toBe("no");
  });
  it("a bound claim the token lacks refuses; JSON pointers reach top-level claims", () => {
    expect(matchVault(role({ bound_claims: { environment: "prod" } }), token())).toBe("no");
    expect(matchVault(role({ bound_claims: { "/repository": "acme/app" } }), token())).toBe("yes");
  });
  it("audiences: a role without them refuses every GitHub token; one must be carried", () => {
    expect(matchVault(role({ bound_audiences: [] }), token())).toBe("no");
    expect(matchVault(role({ bound_audiences: "https://github.com/acme,vault" }), token({ aud: "vault" }))).toBe("yes");
    expect(matchVault(role({}), token({ aud: "sts.amazonaws.com" }))).toBe("no");
  });
  it("an oidc role refuses JWT login; a missing user claim refuses", () => {
    expect(matchVault(role({ role_type: "oidc" }), token())).toBe("no");
    expect(matchVault(vaultRole({ data: { user_claim: "repository", bound_audiences: ["https://github.com/acme"] } }, "x"), token())).toBe("no");
    expect(matchVault(role({ user_claim: "environment" }), token())).toBe("no");
  });
  it("bound CIDRs and groups claims depend on more than the token: possibly", () => {
    expect(matchVault(role({ token_bound_cidrs: ["10.0.0.0/8"] }), token())).toBe("possibly");
    expect(matchVault(role({ groups_claim: "repository_owner" }), token())).toBe("possibly");
  });
  it("an unknown ref under a glob that covers it is yes", () => {
    const anyBranch = withClaims(token(), { sub: { v: cat("repo:acme/app:ref:refs/heads/", hole("branch")) } });
    expect(matchVault(role({ bound_claims_type: "glob", bound_claims: { sub: "repo:acme/app:*" } }), anyBranch)).toBe("yes");
    expect(matchVault(role({ bound_claims_type: "glob", bound_claims: { sub: "*:ref:refs/heads/main" } }), anyBranch)).toBe("possibly");
  });
});
