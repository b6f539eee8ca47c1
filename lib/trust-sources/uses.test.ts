import { describe, expect, it } from "vitest";
import type { AwsTrust, AzureTrust, GcpTrust, TrustMatch, VaultTrust } from "@/lib/trust/types";
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

  it("an Entra credential by its app's client id, when a reader gave it; from an export it stays unknown", () => {
    const azure = { provider: "azure", id: "cred-1", name: "prod" } as AzureTrust;
    const login = (identifier: string | null, symbolic = false) => [{ kind: "azure-federated", identifier, symbolic }];
    expect(resolveUses(azure, m("unknown"), login("0C5C9F7E-3f8b-4a5e-9d61-8a2f4b7c1d90"), "0c5c9f7e-3f8b-4a5e-9d61-8a2f4b7c1d90")).toBe("yes");
    expect(resolveUses(azure, m("unknown"), login("11111111-2222-3333-4444-555555555555"), "0c5c9f7e-3f8b-4a5e-9d61-8a2f4b7c1d90")).toBe("no");
    expect(resolveUses(azure, m("unknown"), [], "0c5c9f7e-3f8b-4a5e-9d61-8a2f4b7c1d90")).toBe("no");
    expect(resolveUses(azure, m("unknown"), login("${{ vars.AZURE_CLIENT_ID }}", true), "0c5c9f7e-3f8b-4a5e-9d61-8a2f4b7c1d90")).toBe("unknown");
    expect(resolveUses(azure, m("unknown"), login("0c5c9f7e-3f8b-4a5e-9d61-8a2f4b7c1d90"))).toBe("unknown");
  });

  it("a Vault role by its name; without the inventory's references the evaluator's unknown stays", () => {
    expect(resolveUses(vault, m("unknown"), [{ kind: "vault-jwt", identifier: "ci", symbolic: false }])).toBe("yes");
    expect(resolveUses(vault, m("unknown"), undefined)).toBe("unknown");
  });
});
