import { z } from "zod";
import { parseOrThrow, PolicyError } from "./parse-issues";
import type { AzureTrust, GcpTrust, VaultTrust } from "./types";

// Google Cloud providers (`gcloud iam workload-identity-pools providers describe|list
// --format=json`, the REST resource), Entra federated identity credentials
// (`az ad app federated-credential list`, `az identity federated-credential list`, Graph's
// `{ "value": [ … ] }`), and Vault JWT roles (`vault read -format=json auth/<path>/role/<name>`).

export const PROVIDER_NAME = /^projects\/[^/]+\/locations\/[^/]+\/workloadIdentityPools\/[^/]+\/providers\/[^/]+$/;

const gcpSchema = z
  .object({
    name: z.string().regex(PROVIDER_NAME, "expected projects/N/locations/global/workloadIdentityPools/POOL/providers/PROVIDER"),
    displayName: z.string().optional(),
    disabled: z.boolean().optional(),
    state: z.string().optional(),
    attributeMapping: z.record(z.string(), z.string()).optional(),
    attributeCondition: z.string().optional(),
    oidc: z.object({ issuerUri: z.string().min(1), allowedAudiences: z.array(z.string()).optional() }).loose().optional(),
  })
  .loose();

/** null for providers that are not OpenID Connect (AWS, SAML, X.509). */
export function gcpProvider(value: unknown, at: string): GcpTrust | null {
  const p = parseOrThrow(gcpSchema, value, at);
  if (p.oidc === undefined) return null;
  const mapping = p.attributeMapping ?? {};
  if (mapping["google.subject"] === undefined) {
    throw new PolicyError(`${at === "" ? "" : `${at}.`}attributeMapping: has no google.subject, which Google Cloud requires for OIDC providers`);
  }
  return {
    provider: "gcp",
    id: p.name,
    name: p.displayName !== undefined && p.displayName !== "" ? p.displayName : (p.name.split("/").pop() as string),
    disabled: p.disabled === true,
    state: p.state ?? null,
    issuer: p.oidc.issuerUri,
    allowedAudiences: p.oidc.allowedAudiences ?? [],
    attributeMapping: mapping,
    attributeCondition: p.attributeCondition !== undefined && p.attributeCondition.trim() !== "" ? p.attributeCondition : null,
  };
}

const azureSchema = z
  .object({
    id: z.string().optional(),
    name: z.string().min(1),
    issuer: z.string().min(1),
    subject: z.string().nullable().optional(),
    audiences: z.array(z.string()).min(1, "needs at least one audience"),
    claimsMatchingExpression: z.object({ value: z.string(), languageVersion: z.number().optional() }).loose().nullable().optional(),
  })
  .loose();

export function azureCredential(value: unknown, at: string): AzureTrust {
  // ARM returns the fields under `properties`; the Azure CLI flattens them.
  const flat = typeof value === "object" && value !== null && "properties" in value && typeof value.properties === "object" ? { ...value, ...value.properties } : value;
  const c = parseOrThrow(azureSchema, flat, at);
  const subject = c.subject ?? null;
  const expression = c.claimsMatchingExpression?.value ?? null;
  if ((subject === null) === (expression === null)) {
    throw new PolicyError(`${at === "" ? "" : `${at}: `}needs exactly one of subject and claimsMatchingExpression`);
  }
  return { provider: "azure", id: c.id ?? c.name, name: c.name, issuer: c.issuer, subject, audiences: c.audiences, expression };
}

const commaList = z.union([z.array(z.string()), z.string().transform((s) => s.split(",").map((x) => x.trim()).filter((x) => x !== "")), z.null()]);
const claimValues = z.union([z.string(), z.number(), z.boolean(), z.array(z.union([z.string(), z.number(), z.boolean()]))]);
const vaultSchema = z
  .object({
    data: z
      .object({
        role_type: z.string().optional(),
        bound_audiences: commaList.optional(),
        bound_subject: z.string().nullable().optional(),
        bound_claims: z.record(z.string(), claimValues).nullable().optional(),
        bound_claims_type: z.enum(["string", "glob"]).nullable().optional(),
        user_claim: z.string().min(1, "Vault requires user_claim"),
        groups_claim: z.string().nullable().optional(),
        token_bound_cidrs: commaList.optional(),
        bound_cidrs: commaList.optional(),
      })
      .loose(),
  })
  .loose();

export function vaultRole(value: unknown, name: string): VaultTrust {
  const { data } = parseOrThrow(vaultSchema, value, "");
  const claims: Record<string, string[]> = {};
  for (const [k, v] of Object.entries(data.bound_claims ?? {})) claims[k] = (Array.isArray(v) ? v : [v]).map(String);
  return {
    provider: "vault",
    id: `vault:${name}`,
    name,
    // Vault's default role type is `oidc`.
    roleType: data.role_type ?? "oidc",
    boundAudiences: data.bound_audiences ?? [],
    boundSubject: data.bound_subject ?? "",
    boundClaims: claims,
    boundClaimsType: data.bound_claims_type ?? "string",
    userClaim: data.user_claim,
    groupsClaim: data.groups_claim ?? "",
    tokenBoundCidrs: [...(data.token_bound_cidrs ?? []), ...(data.bound_cidrs ?? [])],
  };
}
