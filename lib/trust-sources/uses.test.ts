import { describe, expect, it } from "vitest";
import type { AwsTrust, GcpTrust, TrustMatch, VaultTrust } from "@/lib/trust/types";
import { resolveUses } from "./uses";

const aws: AwsTrust = { provider: "aws", id: "arn:aws:iam::210987654321:role/deploy", name: "deploy", statements: [] };
const gcp: GcpTrust = { provider: "gcp", id: "projects/1/locations/global/workloadIdentityPools/github/providers/acme", name: "acme", disabled: false, state: null, issuer: "", allowedAudiences: [], attributeMapping: {}, attributeCondition: null };
const vault = { provider: "vault", id: "vault:ci", name: "ci" } as VaultTrust;
const m = (uses: TrustMatch["uses"]): TrustMatch => ({ repo: "acme/api", path: "d.yml", job: "deploy", sub: "s", decision: "yes", uses });

describe("does a matching job name the trust, through the inventory's resolved references", () => {
  it("keeps the evaluator's yes or no", () => {
    expect(resolveUses(aws, m("yes"), [])).toBe("yes");
    expect(resolveUses(aws, m("no"), [{ kind: "aws-role", identifier: aws.id, symbolic: false }])).toBe("no");
  });

  it("an expression the inventory resolved to the role's ARN or name is a use; to another role, not", () => {
    expect(resolveUses(aws, m("unknown"), [{ kind: "aws-role", identifier: aws.id, symbolic: false }])).toBe("yes");
    expect(resolveUses(aws, m("unknown"), [{ kind: "aws-role", identifier: "deploy", symbolic: false }])).toBe("yes");
    expect(resolveUses(aws, m("unknown"), [{ kind: "aws-role", identifier: "arn:aws:iam::210987654321:role/other", symbolic: false }])).toBe("no");
    expect(resolveUses(aws, m("unknown"), [{ kind: "aws-role", identifier: "${{ vars.ROLE }}", symbolic: true }])).toBe("unknown");
  });

  it("a Google Cloud provider is named by the job's provider system, with or without the iam.googleapis.com prefix", () => {
    expect(resolveUses(gcp, m("unknown"), [{ kind: "gcp-wif-provider", identifier: `//iam.googleapis.com/${gcp.id}`, symbolic: false }])).toBe("yes");
    expect(resolveUses(gcp, m("unknown"), [{ kind: "gcp-workload-identity", identifier: "sa@p.iam.gserviceaccount.com", symbolic: false }])).toBe("no");
  });

  it("a Vault role by its name; without the inventory's references the evaluator's unknown stays", () => {
    expect(resolveUses(vault, m("unknown"), [{ kind: "vault-jwt", identifier: "ci", symbolic: false }])).toBe("yes");
    expect(resolveUses(vault, m("unknown"), undefined)).toBe("unknown");
  });
});
