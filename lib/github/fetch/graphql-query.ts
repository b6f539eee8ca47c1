import "server-only";
import type { RepoSummary } from "../facts";

// The batched GraphQL query: one aliased `repository(owner, name)` per repo (not a connection,
// so it adds no cost by itself). Cost per repo, by GitHub's connection rule:
// environments(first: 10) = 1, protectionRules(first: 5) = 10, reviewers(first: 6) = 50 →
// 61 "requests" per repo ⇒ ~0.6 points per repo. Tree entries and object(expression:) are not
// connections and cost nothing. `withText` adds blob text (only for repos whose files are wanted).

export const ENV_PAGE = 10;

function blobFields(withText: boolean): string {
  return withText ? "... on Blob { byteSize isBinary isTruncated text }" : "... on Blob { byteSize }";
}

function repoSelection(withText: boolean): string {
  const blob = blobFields(withText);
  const codeowners = (alias: string, path: string) => `${alias}: object(expression: ${JSON.stringify(`HEAD:${path}`)}) { oid ${blob} }`;
  // .github/actions/<a>/action.yml and .github/actions/<a>/<b>/action.yml: text fetched later by oid.
  const entry = (inner: string) => `entries { name path type oid ${inner} }`;
  const actions = `actions: object(expression: "HEAD:.github/actions") { ... on Tree { ${entry(
    `object { ... on Tree { ${entry(`object { ... on Tree { ${entry("")} } }`)} } }`,
  )} } }`;
  return `
    databaseId
    workflows: object(expression: "HEAD:.github/workflows") { ... on Tree { entries { name path type oid object { ${blob} } } } }
    ${codeowners("codeowners1", ".github/CODEOWNERS")}
    ${codeowners("codeowners2", "CODEOWNERS")}
    ${codeowners("codeowners3", "docs/CODEOWNERS")}
    ${actions}
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
