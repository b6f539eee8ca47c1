// Sources Gatehouse adds by itself (the demo's seed): created from the environment, audited as
// Gatehouse (seed), left alone when a source of that name exists, and refused — nothing
// written — when an admin's would be (an endpoint of its own with environment credentials).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { and, eq } from "drizzle-orm";
import { openTestDatabase } from "@/lib/testing/test-db";
import { createTestOrg, type TestOrg } from "@/lib/testing/fixtures";
import type { DatabaseHandle } from "@/lib/db/types";
import { auditEvents, trustSources } from "@/lib/db/schema";
import { addEnvironmentSources } from "./system-sources";

let handle: DatabaseHandle;
let org: TestOrg;
const actor = () => ({ kind: "system" as const, process: "seed" as const, orgId: org.id, orgSlug: org.slug });

beforeAll(async () => {
  handle = await openTestDatabase();
  org = await createTestOrg(handle.db);
});
afterAll(async () => handle.close());

describe("addEnvironmentSources", () => {
  it("adds API sources reading the environment, audited as Gatehouse (seed), once", async () => {
    const sources = [
      { provider: "vault" as const, name: "Vault: auth/jwt", settings: { mount: "jwt" } },
      { provider: "gcp" as const, name: "Google Cloud", settings: { projectId: "acme-ci-identity", serviceAccountProjects: ["acme-payments-prod"] } },
    ];
    expect(await addEnvironmentSources(handle, actor(), sources)).toEqual(["Vault: auth/jwt", "Google Cloud"]);
    expect(await addEnvironmentSources(handle, actor(), sources)).toEqual([]);
    const rows = await handle.db.select().from(trustSources).where(eq(trustSources.orgId, org.id));
    expect(rows.map((r) => ({ name: r.name, kind: r.kind, from: r.credentialsFrom, sealed: r.credentialsSealed, by: r.createdBy })).sort((a, b) => a.name.localeCompare(b.name))).toEqual([
      { name: "Google Cloud", kind: "api", from: "environment", sealed: null, by: "Gatehouse (seed)" },
      { name: "Vault: auth/jwt", kind: "api", from: "environment", sealed: null, by: "Gatehouse (seed)" },
    ]);
    const audit = await handle.db.select().from(auditEvents).where(and(eq(auditEvents.orgId, org.id), eq(auditEvents.action, "trust_source.create")));
    expect(audit.map((a) => a.actorName)).toEqual(["Gatehouse (seed)", "Gatehouse (seed)"]);
  });

  it("refuses an endpoint of its own with environment credentials, writing nothing", async () => {
    const bad = [
      { provider: "azure" as const, name: "Azure ok", settings: { tenantId: "t", clientId: "c" } },
      { provider: "vault" as const, name: "Vault elsewhere", settings: { mount: "jwt", address: "https://vault.attacker.example" } },
    ];
    await expect(addEnvironmentSources(handle, actor(), bad)).rejects.toThrow(/settings\.address cannot be set when the credentials come from the environment/);
    const names = (await handle.db.select({ name: trustSources.name }).from(trustSources).where(eq(trustSources.orgId, org.id))).map((r) => r.name);
    expect(names).not.toContain("Azure ok");
  });
});
