// The manual way for what Gatehouse cannot do itself (yet): the exact commands, filled in with
// what the inventory resolved. Pure text; nothing here runs anything. Values that the inventory
// could not resolve (a role given as ${{ vars.ROLE }}) are left as <placeholders> to fill.

export const shellQuote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

/** `gh api` for one GitHub REST call (GitHub CLI; `-X` only when not GET). */
export function ghApi(method: string, path: string, fields: Record<string, string> = {}): string {
  const f = Object.entries(fields).map(([k, v]) => ` -f ${k}=${shellQuote(v)}`).join("");
  return `gh api${method === "GET" ? "" : ` -X ${method}`} ${path.replace(/^\//, "")}${f}`;
}

const literal = (id: string | null) => (id && !id.includes("${{") ? id : null);

/**
 * Revoking an OIDC identity's sessions and trust, per provider (cloud-trust.md): AWS denies
 * sessions issued before the incident started and then narrows the trust policy; Google Cloud
 * disables the provider; Azure deletes the federated credential; Vault deletes the role.
 */
export function revokeIdentityCommand(kind: string, identifier: string | null, startedAt: Date): { detail: string; command: string | null } {
  const id = literal(identifier);
  const since = startedAt.toISOString().replace(/\.\d{3}Z$/, "Z");
  switch (kind) {
    case "aws-role": {
      const role = id?.split(":role/").pop()?.split("/").pop() ?? "<role-name>";
      const deny = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Deny", Action: ["*"], Resource: ["*"], Condition: { DateLessThan: { "aws:TokenIssueTime": since } } }] });
      return {
        detail: `AWS IAM role ${id ?? "(not resolved: see the workflow)"}: deny every session issued before the incident started, then narrow its trust policy to the fixed workflows.`,
        command: [
          `aws iam put-role-policy --role-name ${role} --policy-name AWSRevokeOlderSessions --policy-document ${shellQuote(deny)}`,
          `aws iam get-role --role-name ${role} --query Role.AssumeRolePolicyDocument > trust.json`,
          `# edit trust.json: pin token.actions.githubusercontent.com:sub to the fixed workflows' subjects`,
          `aws iam update-assume-role-policy --role-name ${role} --policy-document file://trust.json`,
        ].join("\n"),
      };
    }
    case "gcp-workload-identity": {
      const m = id ? /projects\/([^/]+)\/locations\/([^/]+)\/workloadIdentityPools\/([^/]+)\/providers\/([^/]+)/.exec(id) : null;
      const [project, location, pool, provider] = m ? [m[1], m[2], m[3], m[4]] : ["<project-number>", "global", "<pool>", "<provider>"];
      return {
        detail: `Google Cloud workload identity provider ${id ?? "(not resolved)"}: disable it (tokens already exchanged expire within an hour), then narrow its attribute condition.`,
        command: `gcloud iam workload-identity-pools providers update-oidc ${provider} --workload-identity-pool=${pool} --location=${location} --project=${project} --disabled`,
      };
    }
    case "azure-federated":
    case "azure-managed-identity":
      return {
        detail: `Azure ${kind === "azure-federated" ? "app registration" : "managed identity"} ${id ?? "(not resolved)"}: delete the federated credential that trusts these workflows.`,
        command: [
          `az ad app federated-credential list --id ${id ?? "<client-id>"} --query "[].{id:id,subject:subject}"`,
          `az ad app federated-credential delete --id ${id ?? "<client-id>"} --federated-credential-id <id-from-the-list>`,
        ].join("\n"),
      };
    case "vault-jwt":
      return {
        detail: `Vault JWT role ${id ?? "(not resolved)"}: delete it (or tighten bound_claims), and revoke the leases it issued.`,
        command: [`vault delete auth/jwt/role/${id ?? "<role>"}`, `vault lease revoke -prefix auth/jwt/login`].join("\n"),
      };
    case "github-app":
      return {
        detail: `GitHub App ${id ?? "(not resolved)"}: generate a new private key and delete the old one (GitHub → Settings → Developer settings → GitHub Apps → the App → Private keys); tokens minted with the old key stop at their expiry (1 hour).`,
        command: null,
      };
    case "github-pat":
      return { detail: `Personal access token ${id ?? ""}: its owner revokes it (github.com → Settings → Developer settings → Tokens), and an org owner reviews fine-grained token requests.`, command: null };
    case "kubeconfig":
      return { detail: `Kubernetes credentials ${id ?? ""}: revoke the service account token or client certificate it holds and re-issue (kubectl delete secret <token-secret> -n <ns>; rotate the cluster CA only if a client certificate of the admin group leaked).`, command: null };
    default:
      return { detail: `${kind} ${id ?? ""}: revoke it where it was issued.`, command: null };
  }
}

/** Identities revoked in step 2 (sessions and trust); static keys are secrets, rotated in step 3. */
export const REVOCABLE_IDENTITIES = new Set(["aws-role", "gcp-workload-identity", "azure-federated", "azure-managed-identity", "vault-jwt", "github-app", "github-pat", "kubeconfig"]);

/** Registries and signing systems (step 4): how to revoke, and the trusted publishing that replaces the static token. */
export const REGISTRY_STEPS: Record<string, { revoke: string; trustedPublishing: string | null }> = {
  npm: {
    revoke: "Revoke the token (npm token list, then npm token revoke <id>, or npmjs.com → Access Tokens); check the versions published in the window (npm view <package> time) and deprecate or unpublish bad ones.",
    trustedPublishing: "npmjs.com → the package → Settings → Trusted publisher → GitHub Actions (this repository and workflow); publish with id-token: write and npm publish --provenance, then delete NPM_TOKEN.",
  },
  pypi: {
    revoke: "Revoke the API token (pypi.org → Account settings → API tokens); review the release history and yank bad releases.",
    trustedPublishing: "pypi.org → the project → Publishing → add a GitHub publisher (owner, repository, workflow, environment); use pypa/gh-action-pypi-publish with id-token: write, then delete the token secret.",
  },
  crates: {
    revoke: "Revoke the token (crates.io → Account settings → API tokens); yank bad versions (cargo yank --version <v> <crate>).",
    trustedPublishing: "crates.io → the crate → Settings → Trusted publishing → GitHub; use rust-lang/crates-io-auth-action, then delete CARGO_REGISTRY_TOKEN.",
  },
  "container-registry": {
    revoke: "Revoke the registry credential (Docker Hub: Account settings → Personal access tokens; GHCR: the PAT; ECR/GAR/ACR: the cloud identity of step 2); list the tags pushed in the window, delete or re-tag them, and rebuild from a clean runner.",
    trustedPublishing: null,
  },
  sigstore: {
    revoke: "Keyless signatures made in the window are suspect: find them in Rekor (rekor-cli search --sha <digest>) and re-sign the rebuilt artifacts.",
    trustedPublishing: null,
  },
  "cosign-key": {
    revoke: "Rotate the cosign key pair (cosign generate-key-pair), publish the new public key, and stop trusting signatures by the old one.",
    trustedPublishing: "Sign keyless with id-token: write (cosign sign with GitHub's OIDC token) and drop the key secret.",
  },
};

/** Which registry a secret is probably for, from its name, when no identity says so. */
export function registryOfSecret(name: string): string | null {
  const n = name.toUpperCase();
  if (n.includes("NPM")) return "npm";
  if (n.includes("PYPI") || n.includes("TWINE")) return "pypi";
  if (n.includes("CARGO") || n.includes("CRATES")) return "crates";
  if (n.includes("DOCKER") || n.includes("GHCR") || n.includes("REGISTRY")) return "container-registry";
  if (n.includes("COSIGN")) return "cosign-key";
  return null;
}

/** `gh secret set` for a secret's scope: the manual way to write the new value. */
export function secretSetCommand(data: { name: string; scope: string; repo: string | null; environment: string | null; visibility: string | null }, org: string): string {
  if (data.scope === "org") return `gh secret set ${data.name} --org ${org}${data.visibility ? ` --visibility ${data.visibility}` : ""}  # keeps the selected repositories when visibility is selected`;
  if (data.scope === "environment") return `gh secret set ${data.name} --repo ${data.repo} --env ${data.environment}`;
  return `gh secret set ${data.name} --repo ${data.repo}`;
}

/**
 * Package registries (systems the inventory sees jobs publish to) and where to check what a job
 * published inside the window: a release item names them, since a rebuilt release is not a
 * rebuilt package.
 */
export const PACKAGE_REGISTRIES: ReadonlyMap<string, string> = new Map([
  ["npm", "npm view <package> time --json (the versions published inside the window)"],
  ["pypi", "pypi.org/project/<name>/#history (the releases uploaded inside the window)"],
  ["crates", "crates.io/crates/<crate>/versions (the versions published inside the window)"],
  ["container-registry", "the registry's tag list with push dates (the tags pushed inside the window, by digest)"],
]);

const isoMinute = (iso: string) => `${iso.replace("T", " ").slice(0, 16)} UTC`;
const iso = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, "Z");

/**
 * Step 5, one release: take it out of use, drop the assets a compromised run may have built, and
 * release again from the fixed commit. Re-running the release's own run would not help: it runs
 * the tag's workflow file, which still uses what was compromised.
 */
export function rebuildReleaseCommand(r: { repo: string; id: number; tagName: string; targetCommitish: string }): string {
  const release = `/repos/${r.repo}/releases/${r.id}`;
  const target = /^[0-9a-f]{40}$/i.test(r.targetCommitish) ? "<the fixed commit>" : r.targetCommitish;
  return [
    `# 1. take it out of use: a draft is hidden, downloads included, from everyone without push access`,
    ghApi("PATCH", release, {}) + " -F draft=true",
    `#    or keep it visible, marked: ${ghApi("PATCH", release, { name: `${r.tagName} (compromised: do not use)`, make_latest: "false" })} -F prerelease=true`,
    `# 2. delete the assets a compromised run may have built`,
    `${ghApi("GET", `${release}/assets`)} --paginate --jq '.[].id'  # then for each: ${ghApi("DELETE", `/repos/${r.repo}/releases/assets/<id>`)}`,
    `# 3. once the fix is in ${target} and the workflow re-enabled (step 7): release again from a clean runner`,
    `gh release create <next-version> --repo ${r.repo} --target ${shellQuote(target)} --title ${shellQuote(`<next-version> (rebuild of ${r.tagName})`)} --notes ${shellQuote(`Rebuilt from a clean runner; replaces ${r.tagName}.`)}`,
  ].join("\n");
}

/** What a release item says: the release, what may have built it, and the registries to check too. */
export function rebuildReleaseDetail(r: {
  repo: string;
  tagName: string;
  name: string | null;
  createdAt: string;
  publishedAt: string | null;
  draft: boolean;
  prerelease: boolean;
  htmlUrl: string;
  workflowsInWindow: { path: string; runs: number }[];
  registries: string[];
}): string {
  const kind = r.draft ? " (draft)" : r.prerelease ? " (prerelease)" : "";
  const lines = [
    `${r.tagName}${r.name && r.name !== r.tagName ? ` "${r.name}"` : ""}${kind}: created ${isoMinute(r.createdAt)}${r.publishedAt ? `, published ${isoMinute(r.publishedAt)}` : ", not published"}.`,
    r.htmlUrl,
    r.workflowsInWindow.length > 0
      ? `In-scope workflows of ${r.repo} ran inside the window (${r.workflowsInWindow.map((w) => `${w.path.split("/").pop()}: ${w.runs} run(s)`).join(", ")}): one of those runs may have built it.`
      : `No in-scope workflow of ${r.repo} ran inside the window: check what built it before trusting it.`,
  ];
  if (r.registries.length > 0) {
    lines.push(`Packages: the in-scope jobs of ${r.repo} also publish to ${r.registries.join(", ")}: check what they published inside the window there and rebuild it too (step 4 has each registry's steps).`);
  }
  lines.push("Finish it by hand: done with evidence (the new release and the run that built it), or skipped with a reason.");
  return lines.join("\n");
}

/**
 * Step 6, a public repository: list the completed runs of its in-scope workflows inside the
 * window, keep a copy of their logs (world-readable until deleted, and evidence), delete them.
 */
export function runLogsCommand(repo: string, workflowRefs: (string | number)[], window: { from: Date; to: Date }): string {
  const created = `${iso(window.from)}..${iso(window.to)}`;
  return [
    ...workflowRefs.map((ref) => `gh api ${shellQuote(`repos/${repo}/actions/workflows/${ref}/runs?created=${created}&status=completed&per_page=100`)} --paginate --jq '.workflow_runs[].id' >> runs.txt`),
    `# read them first, and keep a copy as evidence:`,
    `while read -r id; do gh run view "$id" --repo ${repo} --log > "run-$id.log"; done < runs.txt`,
    `while read -r id; do gh api -X DELETE "repos/${repo}/actions/runs/$id/logs"; done < runs.txt`,
  ].join("\n");
}
