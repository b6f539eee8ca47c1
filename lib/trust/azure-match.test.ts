import { describe, expect, it } from "vitest";
import { matchAzure, parseFlexExpression } from "./azure-match";
import { cat, hole } from "./symbolic";
import { pushToken } from "./test-support";
import { withClaims } from "./token";
import type { AzureTrust } from "./types";

const AUD = "api://AzureADTokenExchange";
const token = (over: Record<string, string> = {}) => pushToken({ aud: AUD, ...over });

function credential(extra: Partial<AzureTrust>): AzureTrust {
  return { provider: "azure", id: "d9b7", name: "gh-main", issuer: "https://token.actions.githubusercontent.com", subject: null, audiences: [AUD], expression: null, ...extra };
}

describe("Entra federated identity credentials (workload-identity-federation-considerations)", () => {
  it("issuer, subject and audience must match exactly", () => {
    const c = credential({ subject: "repo:acme/app:ref:refs/heads/main" });
    expect(matchAzure(c, token())).toBe("yes");
    expect(matchAzure(c, token({ sub: "repo:acme/app:ref:refs/heads/dev" }))).toBe("no");
    expect(matchAzure(c, token({ aud: "https://github.com/acme" }))).toBe("no");
    expect(matchAzure(credential({ subject: "repo:acme/app:ref:refs/heads/main", issuer: "https://token.actions.githubusercontent.com/acme" }), token())).toBe("no");
  });
  it("no wildcards in a subject", () => {
    expect(matchAzure(credential({ subject: "repo:acme/app:*" }), token())).toBe("no");
  });
  it("a subject equal only when ignoring case is possibly: the case rule is not documented", () => {
    expect(matchAzure(credential({ subject: "repo:Acme/App:ref:refs/heads/main" }), token())).toBe("possibly");
  });
});

describe("flexible federated identity credentials (workload-identities-flexible-federated-identity-credentials)", () => {
  it("parses the documented language", () => {
    expect(parseFlexExpression("claims['sub'] matches 'repo:contoso/contoso-repo:ref:refs/heads/*'")).toEqual([{ claim: "sub", op: "matches", comparand: "repo:contoso/contoso-repo:ref:refs/heads/*" }]);
    expect(parseFlexExpression("claims['sub'] eq 'a''b' and claims['job_workflow_ref'] matches 'x*'")).toEqual([
      { claim: "sub", op: "eq", comparand: "a'b" },
      { claim: "job_workflow_ref", op: "matches", comparand: "x*" },
    ]);
    expect(parseFlexExpression("claims['sub'] == 'x'")).toBeNull();
    expect(parseFlexExpression("claims['sub'] eq 'x' or claims['sub'] eq 'y'")).toBeNull();
  });
  it("the documented examples", () => {
    const branches = credential({ expression: "claims['sub'] matches 'repo:contoso/contoso-repo:ref:refs/heads/*'" });
    expect(matchAzure(branches, token({ sub: "repo:contoso/contoso-repo:ref:refs/heads/main" }))).toBe("yes");
    expect(matchAzure(branches, token({ sub: "repo:contoso/contoso-repo:pull_request" }))).toBe("no");
    const fourChars = credential({ expression: "claims['sub'] matches 'repo:contoso/contoso-repo-*:ref:refs/heads/????'" });
    expect(matchAzure(fourChars, token({ sub: "repo:contoso/contoso-repo-web:ref:refs/heads/main" }))).toBe("yes");
    expect(matchAzure(fourChars, token({ sub: "repo:contoso/contoso-repo-web:ref:refs/heads/master" }))).toBe("no");
    const reusable = credential({
      expression: "claims['sub'] eq 'repo:contoso/contoso-repo:ref:refs/heads/main' and claims['job_workflow_ref'] matches 'foo-org/bar-repo/.github/workflows/*@refs/heads/main'",
    });
    expect(matchAzure(reusable, token({ sub: "repo:contoso/contoso-repo:ref:refs/heads/main", job_workflow_ref: "foo-org/bar-repo/.github/workflows/deploy.yml@refs/heads/main" }))).toBe("yes");
    expect(matchAzure(reusable, token({ sub: "repo:contoso/contoso-repo:ref:refs/heads/main" }))).toBe("no");
  });
  it("claims GitHub expressions may not name, unparseable text, unknown refs: possibly", () => {
    expect(matchAzure(credential({ expression: "claims['environment'] eq 'prod'" }), token())).toBe("possibly");
    expect(matchAzure(credential({ expression: "claims['sub'] in ('a')" }), token())).toBe("possibly");
    const anyBranch = withClaims(token(), { sub: { v: cat("repo:acme/app:ref:refs/heads/", hole("branch")) } });
    expect(matchAzure(credential({ expression: "claims['sub'] eq 'repo:acme/app:ref:refs/heads/main'" }), anyBranch)).toBe("possibly");
  });
});
