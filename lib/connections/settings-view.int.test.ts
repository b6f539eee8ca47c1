// Settings → GitHub of one organisation, against the simulator (whose App is installed on
// acme and test-org) and a real database: an admin sees only their own organisation's
// installation, never another organisation's name or permissions.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openTestDatabase } from "@/lib/testing/test-db";
import { uniqueSlug } from "@/lib/testing/fixtures";
import type { DatabaseHandle } from "@/lib/db/types";
import { organizations } from "@/lib/db/schema";
import { startSim } from "@/lib/github/test-sim";
import { useSimulatorApp } from "@/lib/testing/simulator-app";
import type { GithubSim } from "@/sim/github";
import { githubSettingsView } from "./settings-view";

let handle: DatabaseHandle;
let sim: GithubSim;

beforeAll(async () => {
  handle = await openTestDatabase();
  sim = await startSim({ acme: { permissions: { metadata: "read", contents: "read", secrets: "write" } } });
  useSimulatorApp(sim);
});
afterAll(async () => {
  await sim.close();
  await handle.close();
});

/**
 * An unconnected Gatehouse organisation and the slug it stands for: the view is given `login`
 * as the slug, as the page gives it the actor's (the row's own slug is unique, so test files
 * running beside this one that need the slug `test-org` are not disturbed).
 */
async function orgFor(login: string) {
  const [org] = await handle.db.insert(organizations).values({ slug: uniqueSlug("view"), name: login }).returning({ id: organizations.id });
  return { id: org!.id, slug: login };
}

describe("Settings → GitHub", () => {
  it("lists only the installation on this organisation's own GitHub account", async () => {
    const org = await orgFor("test-org");
    const view = await githubSettingsView(handle.db, org.id, org.slug);
    expect(view.installationsError).toBeNull();
    expect(view.installations.map((i) => i.account)).toEqual(["test-org"]);
    expect(JSON.stringify(view)).not.toContain("acme");
  });

  it("an organisation the App is not installed on sees no installation at all", async () => {
    const org = await orgFor(uniqueSlug("nowhere"));
    const view = await githubSettingsView(handle.db, org.id, org.slug);
    expect(view.installationsError).toBeNull();
    expect(view.installations).toEqual([]);
  });

  it("shows what its own installation is missing, and nothing of the others", async () => {
    const org = await orgFor("acme");
    const view = await githubSettingsView(handle.db, org.id, org.slug);
    expect(view.installations).toHaveLength(1);
    expect(view.installations[0]).toMatchObject({ account: "acme", missing: expect.arrayContaining(["actions:read"]) });
    expect(JSON.stringify(view)).not.toContain("test-org");
  });
});
