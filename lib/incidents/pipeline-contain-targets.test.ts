import { describe, expect, it } from "vitest";
import type { PipelineSourceRow } from "@/lib/pipeline-sources/pipeline-sources-repo";
import { coveringSources, repoOfUrl, sourceKindOf } from "./pipeline-contain-targets";

const bk = (pipelines: { slug: string; repository: string; providerRepository: string | null }[], name = "Buildkite acme") =>
  ({ id: name, kind: "buildkite", name, snapshot: { kind: "buildkite", read: { organization: { slug: "acme" }, pipelines } } }) as unknown as PipelineSourceRow;
const cluster = (repos: { namespace: string; name: string; url: string }[]) =>
  ({ id: "c", kind: "kubernetes", name: "acme-prod", snapshot: { kind: "kubernetes", read: { namespaces: [{ name: "acme-ci", repositories: repos }] } } }) as unknown as PipelineSourceRow;

describe("repoOfUrl", () => {
  it.each([
    ["git@github.com:acme/payments-service.git", "acme/payments-service"],
    ["https://github.com/Acme/K8s-Platform", "acme/k8s-platform"],
    ["https://github.example.com/acme/x.git/", "acme/x"],
    ["ssh://git@github.com/acme/y.git", "acme/y"],
    ["git://github.com/contributor/payments-service.git", "contributor/payments-service"],
    ["https://github.com/", null],
  ])("%s → %s", (url, repo) => expect(repoOfUrl(url)).toBe(repo));
});

describe("coveringSources", () => {
  it("Buildkite: every pipeline building the repository, by the provider's owner/name or the clone URL", () => {
    const source = bk([
      { slug: "payments", repository: "git@github.com:acme/payments-service.git", providerRepository: "acme/payments-service" },
      { slug: "legacy", repository: "https://github.com/ACME/payments-service", providerRepository: null },
      { slug: "payments-fork", repository: "git@github.com:acme/payments-service-fork.git", providerRepository: null },
    ]);
    expect(coveringSources([source], "buildkite", "acme/payments-service")[0]!.targets.map((t) => t.label)).toEqual(["pipeline acme/payments", "pipeline acme/legacy"]);
    expect(coveringSources([source], "buildkite", "acme/other")).toEqual([]);
  });

  it("Tekton: the Pipelines-as-Code Repositories whose spec.url is the repository; a source never read covers nothing", () => {
    const source = cluster([
      { namespace: "acme-ci", name: "acme-platform", url: "https://github.com/acme/k8s-platform" },
      { namespace: "acme-ci", name: "platform-2", url: "https://github.com/acme/k8s-platform-2" },
    ]);
    expect(coveringSources([source], "kubernetes", "acme/k8s-platform")).toMatchObject([{ targets: [{ kind: "kubernetes", namespace: "acme-ci", repository: "acme-platform", label: "Repository acme-ci/acme-platform" }] }]);
    expect(coveringSources([{ ...source, snapshot: null }], "kubernetes", "acme/k8s-platform")).toEqual([]);
    expect(coveringSources([source], "buildkite", "acme/k8s-platform")).toEqual([]);
  });

  it("the item's system names the source kind", () => {
    expect([sourceKindOf("buildkite"), sourceKindOf("tekton"), sourceKindOf("github")]).toEqual(["buildkite", "kubernetes", null]);
  });
});
