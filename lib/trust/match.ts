import type { Identity, IdentityKind, JobModel } from "../analysis/types";
import { matchAws, type AwsOptions } from "./aws-match";
import { matchAzure } from "./azure-match";
import type { Decision } from "./decision";
import { matchGcp } from "./gcp-match";
import { hole, lit, type Sym } from "./symbolic";
import type { Token } from "./token";
import { matchVault } from "./vault-match";
import type { Trust } from "./types";

// One door to the four providers' matching, plus what ties a trust to a job's steps: the
// audience the job would request for it, and whether its steps name it.

export type Reference = "yes" | "no" | "unknown";

export function matchTrust(trust: Trust, token: Token, aws: AwsOptions): Decision {
  switch (trust.provider) {
    case "aws":
      return matchAws(trust, token, aws);
    case "gcp":
      return matchGcp(trust, token);
    case "azure":
      return matchAzure(trust, token);
    case "vault":
      return matchVault(trust, token);
  }
}

const KIND: Record<Trust["provider"], IdentityKind> = { aws: "aws-role", gcp: "gcp-workload-identity", azure: "azure-federated", vault: "vault-jwt" };

/** GitHub's default `aud`: the owner's URL (github.com, GHE.com, or the GHES host). */
export function githubDefaultAudience(issuer: string, owner: Sym): Sym {
  const ghes = /^https:\/\/([^/]+)\/_services\/token\/?$/.exec(issuer);
  const residency = /^https:\/\/token\.actions\.([a-z0-9-]+)\.ghe\.com/.exec(issuer);
  const host = ghes !== null ? ghes[1] : residency !== null ? `${residency[1]}.ghe.com` : "github.com";
  return [...lit(`https://${host}/`), ...owner];
}

/** The audience the provider's own login action requests when the workflow sets none. */
export function providerAudience(trust: Trust, issuer: string, owner: Sym): Sym {
  switch (trust.provider) {
    case "aws":
      return lit(/^arn:aws-cn:/.test(trust.id) ? "sts.amazonaws.com.cn" : "sts.amazonaws.com");
    case "gcp":
      return lit(`https://iam.googleapis.com/${trust.id}`);
    case "azure":
      return lit("api://AzureADTokenExchange");
    case "vault":
      // hashicorp/vault-action has no default and asks GitHub for its default audience.
      return githubDefaultAudience(issuer, owner);
  }
}

function normaliseProvider(id: string): string {
  return id.replace(/^(https:)?\/\/iam\.googleapis\.com\//, "");
}

function identityReference(trust: Trust, identity: Identity, job: JobModel): Reference {
  if (identity.kind !== KIND[trust.provider] || !identity.oidc) return "no";
  switch (trust.provider) {
    case "aws": {
      if (identity.id === null) return "no";
      if (identity.symbolic) return "unknown";
      // `role-to-assume` takes an ARN or a role name in the credentials' account.
      return identity.id === trust.id || (!identity.id.startsWith("arn:") && identity.id === trust.name) ? "yes" : "no";
    }
    case "gcp": {
      const providers = job.systems.filter((s) => s.kind === "gcp-wif-provider");
      if (providers.some((s) => s.symbolic)) return "unknown";
      return providers.some((s) => s.id !== null && normaliseProvider(s.id) === trust.id) ? "yes" : "no";
    }
    case "azure":
      // A federated credential export does not carry its application's client id.
      return "unknown";
    case "vault":
      if (identity.symbolic) return "unknown";
      return identity.id === trust.name ? "yes" : "no";
  }
}

/** Does the job's configuration name this trust (role ARN, provider, role name)? */
export function jobReference(trust: Trust, job: JobModel | null): Reference {
  if (job === null) return "unknown";
  const refs = job.identities.map((i) => identityReference(trust, i, job));
  return refs.includes("yes") ? "yes" : refs.includes("unknown") ? "unknown" : "no";
}

/** The audiences the job's token can carry for this trust: its action's default, and any it sets. */
export function jobAudiences(trust: Trust, job: JobModel | null, issuer: string, owner: Sym): Sym[] {
  const out: Sym[] = [providerAudience(trust, issuer, owner)];
  for (const i of job?.identities ?? []) {
    if (i.audience === undefined || identityReference(trust, i, job as JobModel) === "no") continue;
    out.push(i.audienceSymbolic ? hole("audience") : lit(i.audience));
  }
  return out;
}
