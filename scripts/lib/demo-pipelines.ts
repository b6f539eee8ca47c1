// The demo's pipeline sources: acme's Buildkite organization (sim/buildkite with
// sim/fixtures/buildkite-acme.ts) and its cluster acme-prod (sim/kubernetes with
// sim/fixtures/k8s-acme.ts), the environment the server reads them with — BUILDKITE_API_URL and
// BUILDKITE_API_TOKEN, KUBECONFIG (a file in the data dir naming the simulator and the reader's
// token) and the responder variables, fresh at every start — and the two sources "from the
// environment", added as Gatehouse (seed) before the start-up sync, which reads them.
import { writeFileSync } from "node:fs";
import path from "node:path";
import { eq } from "drizzle-orm";
import { startBuildkiteSim } from "@/sim/buildkite";
import { startKubernetesSim } from "@/sim/kubernetes";
import { buildkiteAcme, buildkiteAcmeTokens } from "@/sim/fixtures/buildkite-acme";
import { K8S_ACME_TOKENS, k8sAcme, k8sAcmeTokens } from "@/sim/fixtures/k8s-acme";
import type { DatabaseHandle } from "@/lib/db/types";
import { organizations } from "@/lib/db/schema";
import { addEnvironmentPipelineSources, type EnvironmentPipelineSource } from "@/lib/pipeline-sources/system-sources";

/** The simulator's tokens (sim/fixtures/buildkite-acme.ts): the documented read-only scopes, and a responder's write scopes. */
const BUILDKITE_READER = "bkua_acme_reader";
const BUILDKITE_RESPONDER = "bkua_acme_responder";

export const DEMO_PIPELINE_SOURCES: EnvironmentPipelineSource[] = [
  { kind: "buildkite", name: "Buildkite: acme", settings: { orgSlug: buildkiteAcme.organization.slug }, responder: true },
  { kind: "kubernetes", name: "Cluster: acme-prod", settings: {}, responder: true },
];

export interface DemoPipelines {
  /** The server's variables (lib/env.ts names) for reading and containing both. */
  env: Record<string, string>;
  urls: { buildkite: string; kubernetes: string };
  close(): Promise<void>;
}

/** A kubeconfig naming the simulator (plain HTTP, so TLS verification off) and one of its tokens. */
function kubeconfig(server: string, token: string): string {
  return [
    "apiVersion: v1",
    "kind: Config",
    "clusters:",
    "- name: acme-prod",
    "  cluster:",
    `    server: ${server}`,
    "    insecure-skip-tls-verify: true",
    "users:",
    "- name: gatehouse",
    "  user:",
    `    token: ${token}`,
    "contexts:",
    "- name: acme-prod",
    "  context:",
    "    cluster: acme-prod",
    "    user: gatehouse",
    "current-context: acme-prod",
    "",
  ].join("\n");
}

/** Starts both simulators and writes the two kubeconfig files into the data dir. Nothing here is real. */
export async function startDemoPipelines(dataDir: string, ports: { buildkite: number; kubernetes: number }): Promise<DemoPipelines> {
  if (!buildkiteAcmeTokens[BUILDKITE_READER] || !buildkiteAcmeTokens[BUILDKITE_RESPONDER]) throw new Error("sim/fixtures/buildkite-acme.ts no longer has the demo's reader and responder tokens");
  const buildkite = await startBuildkiteSim({ port: ports.buildkite, fixture: buildkiteAcme, tokens: buildkiteAcmeTokens });
  const kubernetes = await startKubernetesSim({ port: ports.kubernetes, fixture: k8sAcme(), tokens: k8sAcmeTokens() });
  const readerFile = path.join(dataDir, "k8s-sim-reader.kubeconfig");
  const responderFile = path.join(dataDir, "k8s-sim-responder.kubeconfig");
  writeFileSync(readerFile, kubeconfig(kubernetes.url, K8S_ACME_TOKENS.reader.token), { mode: 0o600 });
  writeFileSync(responderFile, kubeconfig(kubernetes.url, K8S_ACME_TOKENS.responder.token), { mode: 0o600 });
  return {
    env: {
      BUILDKITE_API_URL: buildkite.url,
      BUILDKITE_API_TOKEN: BUILDKITE_READER,
      BUILDKITE_RESPONDER_TOKEN: BUILDKITE_RESPONDER,
      KUBECONFIG: readerFile,
      KUBE_RESPONDER_KUBECONFIG: responderFile,
    },
    urls: { buildkite: buildkite.url, kubernetes: kubernetes.url },
    close: async () => {
      await Promise.all([buildkite.close(), kubernetes.close()]);
    },
  };
}

/** acme's Buildkite organization and cluster (from the environment), unless there already. */
export async function seedDemoPipelineSources(handle: DatabaseHandle, orgSlug: string): Promise<string[]> {
  const [org] = await handle.db.select({ id: organizations.id }).from(organizations).where(eq(organizations.slug, orgSlug));
  if (!org) throw new Error(`demo org ${orgSlug} is not seeded`);
  return addEnvironmentPipelineSources(handle, { kind: "system", process: "seed", orgId: org.id, orgSlug }, DEMO_PIPELINE_SOURCES);
}
