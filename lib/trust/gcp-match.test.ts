import { describe, expect, it } from "vitest";
import { CelSyntaxError, parseCel } from "./cel";
import { matchGcp } from "./gcp-match";
import { cat, hole } from "./symbolic";
import { pushToken } from "./test-support";
import { withClaims } from "./token";
import type { GcpTrust } from "./types";

const NAME = "projects/123456/locations/global/workloadIdentityPools/github/providers/acme";

function provider(condition: string | null, extra: Partial<GcpTrust> = {}): GcpTrust {
  return {
    provider: "gcp",
    id: NAME,
    name: "acme",
    disabled: false,
    state: "ACTIVE",
    issuer: "https://token.actions.githubusercontent.com",
    allowedAudiences: [],
    attributeMapping: { "google.subject": "assertion.sub", "attribute.repository": "assertion.repository", "attribute.repository_owner": "assertion.repository_owner" },
    attributeCondition: condition,
    ...extra,
  };
}

// google-github-actions/auth requests `https://iam.googleapis.com/` + the provider name.
const token = (over: Record<string, string> = {}) => pushToken({ aud: `https://iam.googleapis.com/${NAME}`, ...over });

describe("Google Cloud attribute conditions: documented examples", () => {
  // google-github-actions/auth README and docs/SECURITY_CONSIDERATIONS.md.
  it("owner by name (the minimum the action documents)", () => {
    const p = provider("assertion.repository_owner == 'acme'");
    expect(matchGcp(p, token())).toBe("yes");
    expect(matchGcp(p, token({ repository_owner: "evil" }))).toBe("no");
  });
  it("owner and repository by id; ids are strings, so an unquoted number never matches", () => {
    expect(matchGcp(provider("assertion.repository_owner_id == '65' && assertion.repository_id == '74'"), token())).toBe("yes");
    expect(matchGcp(provider("assertion.repository_owner_id == 65"), token())).toBe("no");
  });
  // docs.github.com, OpenID Connect reference, "Configuring the subject in your cloud provider".
  it("the subject form GitHub's reference gives", () => {
    const p = provider("(assertion.sub=='repo:octo-org/octo-repo:ref:refs/heads/demo-branch')");
    expect(matchGcp(p, token({ sub: "repo:octo-org/octo-repo:ref:refs/heads/demo-branch" }))).toBe("yes");
    expect(matchGcp(p, token())).toBe("no");
  });
  // IAM REST reference, WorkloadIdentityPoolProvider.attributeCondition: "'admins' in google.groups".
  it("`in` over a mapped list", () => {
    const p = provider("'admins' in google.groups", { attributeMapping: { "google.subject": "assertion.sub", "google.groups": "['admins', 'ops']" } });
    expect(matchGcp(p, token())).toBe("yes");
  });
  it("startsWith, endsWith, ||, ! and attribute.* through the mapping", () => {
    const p = provider("attribute.repository == 'acme/app' && (assertion.ref == 'refs/heads/main' || assertion.ref.startsWith('refs/tags/')) && !assertion.workflow_ref.endsWith('@refs/heads/dev')");
    expect(matchGcp(p, token())).toBe("yes");
    expect(matchGcp(p, token({ ref: "refs/tags/v1" }))).toBe("yes");
    expect(matchGcp(p, token({ ref: "refs/heads/dev" }))).toBe("no");
  });
  it("matches runs RE2-compatible patterns on known values", () => {
    expect(matchGcp(provider("assertion.ref.matches('^refs/heads/(main|release/.+)$')"), token({ ref: "refs/heads/release/1" }))).toBe("yes");
    expect(matchGcp(provider("assertion.ref.matches('^refs/tags/')"), token())).toBe("no");
  });
});

describe("Google Cloud provider rules (IAM REST reference)", () => {
  it("without allowed audiences, aud must be the provider's name, with or without https:", () => {
    expect(matchGcp(provider(null), token())).toBe("yes");
    expect(matchGcp(provider(null), token({ aud: `//iam.googleapis.com/${NAME}` }))).toBe("yes");
    expect(matchGcp(provider(null), token({ aud: "https://github.com/acme" }))).toBe("no");
    expect(matchGcp(provider(null, { allowedAudiences: ["https://github.com/acme"] }), token({ aud: "https://github.com/acme" }))).toBe("yes");
  });
  it("a disabled or deleted provider accepts nothing; another issuer is refused", () => {
    expect(matchGcp(provider(null, { disabled: true }), token())).toBe("no");
    expect(matchGcp(provider(null, { state: "DELETED" }), token())).toBe("no");
    expect(matchGcp(provider(null, { issuer: "https://gitlab.com" }), token())).toBe("no");
  });
  it("google.subject longer than 127 bytes is refused", () => {
    const p = provider(null, { attributeMapping: { "google.subject": "assertion.sub + assertion.workflow_ref + assertion.workflow_ref" } });
    expect(matchGcp(p, token())).toBe("no");
  });
  it("a claim the token lacks makes the condition an error, which refuses", () => {
    expect(matchGcp(provider("assertion.environment == 'prod'"), token())).toBe("no");
    expect(matchGcp(provider("assertion.environment == 'prod' || assertion.ref == 'refs/heads/main'"), token())).toBe("yes");
    expect(matchGcp(provider("has(assertion.environment)"), token())).toBe("no");
  });
});

describe("what the evaluator cannot decide", () => {
  it("unknown refs, unsupported functions and syntax errors are possibly", () => {
    const anyBranch = withClaims(token(), { ref: { v: cat("refs/heads/", hole("branch")) } });
    expect(matchGcp(provider("assertion.ref == 'refs/heads/main'"), anyBranch)).toBe("possibly");
    expect(matchGcp(provider("assertion.sub.extract('repo:{repo}:') == 'acme/app'"), token())).toBe("possibly");
    expect(matchGcp(provider("assertion.ref.size() > 3"), token())).toBe("possibly");
    expect(matchGcp(provider("assertion.ref ==="), token())).toBe("possibly");
    expect(matchGcp(provider("assertion.ref.matches('(a+)+$')"), token())).toBe("possibly");
  });
  it("the parser refuses what is not CEL and deep nesting", () => {
    expect(() => parseCel("assertion.ref == ")).toThrow(CelSyntaxError);
    expect(() => parseCel("'unterminated")).toThrow(CelSyntaxError);
    expect(() => parseCel(`${"(".repeat(500)}true${")".repeat(500)}`)).toThrow(CelSyntaxError);
    expect(parseCel("r'a\\b' + \"\\x41\"")).toMatchObject({ k: "binary", op: "+", left: { v: "a\\b" }, right: { v: "A" } });
  });
});

describe("regular expressions from exports run only when they cannot blow up", () => {
  it("quantified groups and quantifier runs stay possibly, and return at once", () => {
    const start = Date.now();
    const long = `refs/heads/${"a".repeat(40)}!`;
    for (const re of ["^(a|a)*$", "^((a)*)*$", "a*a*a*a*b"]) {
      expect(matchGcp(provider(`assertion.ref.matches('${re}')`), token({ ref: long }))).toBe("possibly");
    }
    expect(Date.now() - start).toBeLessThan(1000);
  });
});
