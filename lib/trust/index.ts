// lib/trust — which cloud trusts (AWS roles, Google Cloud providers, Entra federated
// credentials, Vault JWT roles) accept which jobs' OIDC tokens. Pure: see README.md.

export type { BuildkiteSettings } from "./buildkite-jobs";
export { evaluateTrusts, matchingTrustIds, trustReport, GITHUB_ISSUER, isGhesIssuer, type TrustOptions } from "./evaluate";
export { loadPolicy, DEFAULT_POLICY_MAX_BYTES } from "./load";
export { resolveSubject, subTemplateSchema, type RepoIdentity, type SubTemplate } from "./subject";
export { TRUST_RULES } from "./catalog";
export type { TrustError, TrustReport } from "./types";
