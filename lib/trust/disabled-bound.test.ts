import { describe, expect, it } from "vitest";
import { analyze } from "../analysis/test-support";
import { evaluateTrusts } from "./evaluate";
import { gcpProvider } from "./parse-providers";
import { GITHUB } from "./test-support";
import type { Trust } from "./types";

// trust-disabled-provider-still-bound: only a disabled Google Cloud provider, only when its
// pool's grants were read (TrustOptions.poolBindings) and are not empty.

const NAME = "projects/1/locations/global/workloadIdentityPools/github/providers/old";
const provider = (disabled: boolean): Trust =>
  gcpProvider({ name: NAME, disabled, attributeMapping: { "google.subject": "assertion.sub" }, attributeCondition: "assertion.repository == 'acme/app'", oidc: { issuerUri: GITHUB } }, "") as Trust;
const WORKFLOWS = analyze("on: push\npermissions: { id-token: write }\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps: [{ run: 'true' }]\n").workflows;
const rules = (trust: Trust, poolBindings?: Record<string, string[]>): string[] =>
  evaluateTrusts([trust], WORKFLOWS, { repo: { owner: "acme", name: "app", ownerId: null, repoId: null }, subject: { keys: null, formats: ["classic"] }, issuer: GITHUB, defaultBranch: "main", ...(poolBindings ? { poolBindings } : {}) })[0]!.findings.map((f) => f.rule);
const GRANT = "roles/iam.workloadIdentityUser on deploy@p.iam.gserviceaccount.com for attribute.repository/acme/app";

describe("trust-disabled-provider-still-bound", () => {
  it("reports a disabled provider whose pool still grants a service account", () => {
    expect(rules(provider(true), { [NAME]: [GRANT] })).toContain("trust-disabled-provider-still-bound");
  });
  it("stays silent when the grants were not read, are gone, or the provider is enabled", () => {
    expect(rules(provider(true))).not.toContain("trust-disabled-provider-still-bound");
    expect(rules(provider(true), { [NAME]: [] })).not.toContain("trust-disabled-provider-still-bound");
    expect(rules(provider(false), { [NAME]: [GRANT] })).not.toContain("trust-disabled-provider-still-bound");
  });
});
