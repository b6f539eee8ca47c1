import "server-only";
import type { RepoSummary } from "../facts";

// The batched GraphQL query: one aliased `repository(owner, name)` per repo (not a connection,
// so it adds no cost by itself). Cost per repo, by GitHub's connection rule:
// environments(first: 10) = 1, protectionRules(first: 5) = 10, reviewers(first: 6) = 50 →
// 61 "requests" per repo ⇒ ~0.6 points per repo. Tree entries and object(expression:) are not
// connections and cost nothing. `withText` adds blob text (only for repos whose files are wanted).
// Composite actions and other CI systems' pipeline files are listed as tree entries; their text
// is fetched by oid in a second query, only for YAML (a .buildkite directory holds scripts too).

export const ENV_PAGE = 10;

function blobFields(withText: boolean): string {
  return withText ? "... on Blob { byteSize isBinary isTruncated text }" : "... on Blob { byteSize }";
}

function repoSelection(withText: boolean): string {
  const blob = blobFields(withText);
  const codeowners = (alias: string, path: string) => `${alias}: object(expression: ${JSON.stringify(`HEAD:${path}`)}) { oid ${blob} }`;
  // .github/actions/<a>/action.yml and .github/actions/<a>/<b>/action.yml: text fetched later by oid.
  const entry = (inner: string) => `entries { name path type oid ${inner} }`;
  const nested = (depth: number): string => (depth === 0 ? entry("") : entry(`object { ... on Tree { ${nested(depth - 1)} } }`));
  const tree = (alias: string, path: string, depth: number) => `${alias}: object(expression: ${JSON.stringify(`HEAD:${path}`)}) { ... on Tree { ${nested(depth)} } }`;
  const actions = tree("actions", ".github/actions", 2);
  // Other CI systems' pipelines (lib/analysis/ci-system.ts): Buildkite's directory and root
  // files, Pipelines-as-Code's and Lighthouse's directories. Entries only; the YAML among them
  // is fetched by oid with the composite actions.
  const pipelines = [
    tree("buildkite", ".buildkite", 3),
    `buildkiteYml: object(expression: "HEAD:buildkite.yml") { oid ... on Blob { byteSize } }`,
    `buildkiteYaml: object(expression: "HEAD:buildkite.yaml") { oid ... on Blob { byteSize } }`,
    tree("tekton", ".tekton", 2),
    tree("lighthouse", ".lighthouse", 2),
  ].join("\n    ");
  return `
    databaseId
    workflows: object(expression: "HEAD:.github/workflows") { ... on Tree { entries { name path type oid object { ${blob} } } } }
    ${codeowners("codeowners1", ".github/CODEOWNERS")}
    ${codeowners("codeowners2", "CODEOWNERS")}
    ${codeowners("codeowners3", "docs/CODEOWNERS")}
    ${actions}
    ${pipelines}
    environments(first: ${ENV_PAGE}) {
      totalCount
      nodes { name protectionRules(first: 5) { nodes { type timeout preventSelfReview
        reviewers(first: 6) { nodes { __typename ... on User { login } ... on Team { slug } } } } } }
    }`;
}

/** Owner and name of a repo summary (`fullName` is `owner/name`). */
export function ownerOf(repo: RepoSummary): string {
  return repo.fullName.split("/")[0] ?? "";
}

export function buildBatchQuery(repos: RepoSummary[], withText: (repo: RepoSummary) => boolean): string {
  const parts = repos.map(
    (repo, i) => `r${i}: repository(owner: ${JSON.stringify(ownerOf(repo))}, name: ${JSON.stringify(repo.name)}) { ${repoSelection(withText(repo))} }`,
  );
  return `query GatehouseRepoBatch {\n${parts.join("\n")}\nrateLimit { cost remaining resetAt }\n}`;
}

/** Blob texts by oid for one repo: `b0: object(oid: "…") { ... on Blob { … } }`. */
export function buildBlobQuery(items: { repo: RepoSummary; oids: string[] }[]): string {
  const parts = items.map(
    ({ repo, oids }, i) =>
      `r${i}: repository(owner: ${JSON.stringify(ownerOf(repo))}, name: ${JSON.stringify(repo.name)}) { ${oids
        .map((oid, j) => `b${j}: object(oid: ${JSON.stringify(oid)}) { oid ${blobFields(true)} }`)
        .join(" ")} }`,
  );
  return `query GatehouseBlobs {\n${parts.join("\n")}\nrateLimit { cost remaining resetAt }\n}`;
}
