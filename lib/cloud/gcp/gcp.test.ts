import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { GCP_ACME_PROJECTS, gcpAcme } from "@/sim/fixtures/gcp-acme";
import { startGcpSim, type GcpSim } from "@/sim/gcp";
import { evaluateOnAcme, rules } from "../test-support";
import { CloudReadError } from "../types";
import type { GcpConnection } from "./client";
import { readGcp } from "./read";
import { applyGcpRevocation, planGcpRevocation, restoreGcpRevocation } from "./revoke";

const ACME = "projects/481516234200/locations/global/workloadIdentityPools/github/providers/acme";
const LEGACY = "projects/481516234200/locations/global/workloadIdentityPools/github/providers/acme-legacy";
let sim: GcpSim;
beforeEach(async () => {
  sim = await startGcpSim({ fixture: gcpAcme, defaultPageSize: 1 });
});
afterEach(async () => sim.close());

function conn(access: "read" | "write" = "read", email = "ci-reader@acme-ci-identity.iam.gserviceaccount.com"): GcpConnection {
  return { projectId: "acme-ci-identity", endpoint: sim.url, credentials: sim.serviceAccountKey(email, access), serviceAccountProjects: GCP_ACME_PROJECTS };
}

describe("readGcp", () => {
  it("reads acme's providers as the evaluator's trusts, with the service accounts their pool may impersonate", async () => {
    const read = await readGcp(conn());
    expect(read.warnings).toEqual([]);
    expect(read.trusts.map((t) => [t.id, t.provider === "gcp" && t.disabled])).toEqual([
      [ACME, false],
      [LEGACY, true],
    ]);
    expect(read.trusts[0]).toMatchObject({ issuer: "https://token.actions.githubusercontent.com", attributeCondition: "assertion.repository_owner == 'acme'", allowedAudiences: [] });
    expect(read.details[ACME]).toEqual({
      account: "acme-ci-identity (481516234200)",
      resource: ACME,
      permissions: [
        "roles/iam.workloadIdentityUser on payments-deploy@acme-payments-prod.iam.gserviceaccount.com for attribute.repository/acme/payments-service",
        "roles/iam.workloadIdentityUser on dbt-runner@acme-data-prod.iam.gserviceaccount.com for attribute.repository/acme/data-pipeline",
      ],
      permissionsNote: "The service accounts' own roles on projects and resources are not read.",
    });
  });

  it("evaluated on acme's workflows: the org-wide condition matches every id-token job, and the disabled provider is still bound", async () => {
    const read = await readGcp(conn());
    const poolBindings = Object.fromEntries(Object.entries(read.details).map(([id, d]) => [id, d.permissions]));
    const [acme, legacy] = evaluateOnAcme(read.trusts, "data-pipeline", null, { poolBindings });
    // dbt.yml grants id-token at workflow level: lint and run both match the owner-wide condition.
    expect(acme?.matches.map((m) => [m.job, m.decision])).toEqual([
      ["lint", "yes"],
      ["run", "yes"],
    ]);
    expect(rules(acme)).toEqual(["trust-pull-request", "trust-broader-than-use", "trust-name-based"]);
    expect(legacy?.matches).toEqual([]);
    expect(rules(legacy)).toContain("trust-disabled-provider-still-bound");
    expect(legacy?.findings.find((f) => f.rule === "trust-disabled-provider-still-bound")?.message).toContain("dbt-runner@acme-data-prod");
  });

  it("says what to do when the key is refused, the account lacks a permission, or the endpoint is down", async () => {
    const forged = { ...(conn().credentials as Record<string, string>), client_email: "nobody@acme-ci-identity.iam.gserviceaccount.com" };
    const refused = await readGcp({ ...conn(), credentials: forged }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(CloudReadError);
    expect(refused).toMatchObject({ kind: "credentials", message: expect.stringMatching(/refused the credentials .*: upload a current key/) });
    const wrongProject = await readGcp({ ...conn(), projectId: "someone-else" }).catch((e: unknown) => e);
    expect(wrongProject).toMatchObject({ kind: "denied", message: expect.stringMatching(/grant the connection's service account roles\/iam\.workloadIdentityPoolViewer on project someone-else/) });
    const down = await readGcp({ ...conn(), endpoint: "http://127.0.0.1:9" }).catch((e: unknown) => e);
    expect(down).toMatchObject({ kind: "network", message: expect.stringMatching(/Could not reach Google Cloud .*check the endpoint/) });
    const notAKey = await readGcp({ ...conn(), credentials: { type: "service_account" } }).catch((e: unknown) => e);
    expect(notAKey).toMatchObject({ kind: "credentials", message: expect.stringMatching(/upload the JSON key file of a service account/) });
  });

  it("reports an unreadable project's service accounts as a warning, not a failure", async () => {
    const read = await readGcp({ ...conn(), serviceAccountProjects: [...GCP_ACME_PROJECTS, "acme-missing"] });
    expect(read.trusts).toHaveLength(2);
    expect(read.warnings).toEqual([expect.stringMatching(/^Service accounts of project acme-missing not read: Google Cloud denied listing service accounts/)]);
    expect(read.details[ACME]?.permissions).toHaveLength(2);
    expect(read.details[ACME]?.permissionsNote).toMatch(/could not be read \(acme-missing\); the list may be incomplete/);
  });
});

describe("Google Cloud revocation", () => {
  it("plans disabling the provider with the gcloud command and the note on issued tokens; applies exactly one PATCH; restores", async () => {
    const plan = await planGcpRevocation(conn("write", "responder@acme-ci-identity.iam.gserviceaccount.com"), ACME);
    expect(plan.calls).toEqual([{ action: "PATCH", target: `v1/${ACME}?updateMask=disabled`, body: { disabled: true } }]);
    expect(plan.commands).toEqual(["gcloud iam workload-identity-pools providers update-oidc acme --project=acme-ci-identity --location=global --workload-identity-pool=github --disabled"]);
    expect(plan.summary).toMatch(/already issued stay valid until they expire.*disable the pool github instead/);
    expect(sim.writeLog).toEqual([]);

    const writer = conn("write", "responder@acme-ci-identity.iam.gserviceaccount.com");
    const result = await applyGcpRevocation(writer, plan);
    expect(result.verified).toBe(true);
    expect(sim.writeLog.map((w) => [w.method, w.path, w.status, w.body])).toEqual([["PATCH", `/v1/${ACME}?updateMask=disabled`, 200, { disabled: true }]]);
    expect(result.evidence.at(-1)).toBe(`re-read: provider ${ACME} disabled=true, pool projects/481516234200/locations/global/workloadIdentityPools/github disabled=false`);

    // Idempotent: planning again changes nothing.
    const again = await planGcpRevocation(writer, ACME);
    expect(again.calls).toEqual([]);
    expect(again.summary).toMatch(/^Provider acme is already disabled; nothing to change/);

    const restored = await restoreGcpRevocation(writer, plan);
    expect(restored.verified).toBe(true);
    expect(restored.plan.commands[0]).toMatch(/--no-disabled$/);
    expect(sim.writeLog.at(-1)?.body).toEqual({ disabled: false });
    expect((await readGcp(conn())).trusts.find((t) => t.id === ACME)).toMatchObject({ disabled: false });
  });

  it("offers disabling the pool, and a read-only key cannot apply", async () => {
    const plan = await planGcpRevocation(conn(), ACME, "pool");
    expect(plan.calls).toEqual([{ action: "PATCH", target: "v1/projects/481516234200/locations/global/workloadIdentityPools/github?updateMask=disabled", body: { disabled: true } }]);
    expect(plan.commands).toEqual(["gcloud iam workload-identity-pools update github --project=acme-ci-identity --location=global --disabled"]);
    await expect(applyGcpRevocation(conn(), plan)).rejects.toMatchObject({ kind: "denied" });
    const result = await applyGcpRevocation(conn("write", "responder@acme-ci-identity.iam.gserviceaccount.com"), plan);
    expect(result.verified).toBe(true);
    expect((await readGcp(conn())).trusts.every((t) => t.provider === "gcp" && t.disabled)).toBe(true);
  });
});
