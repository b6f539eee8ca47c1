import type { Trust, TrustMatch } from "@/lib/trust/types";

// Does a matching job name this trust? The evaluator answers from the workflow text; a role given
// as `${{ vars.AWS_ROLE }}` is an expression there, which the inventory resolved through the
// repository's variables (job_identity.identifier, job_system for a Google Cloud provider). Pure.

export interface JobReference {
  kind: string;
  identifier: string | null;
  symbolic: boolean;
}

const KIND: Record<Trust["provider"], string> = { aws: "aws-role", gcp: "gcp-workload-identity", azure: "azure-federated", vault: "vault-jwt" };

function names(trust: Trust, r: JobReference): boolean {
  const id = r.identifier ?? "";
  switch (trust.provider) {
    case "aws":
      return id === trust.id || (!id.startsWith("arn:") && id === trust.name);
    case "gcp":
      return id.replace(/^(https:)?\/\/iam\.googleapis\.com\//, "") === trust.id;
    case "azure":
      return false; // handled in resolveUses, with the credential's client id
    case "vault":
      return id === trust.name;
  }
}

/**
 * The evaluator's answer, or — when it could not tell — the inventory's resolved references of the
 * job: `yes` if one names the trust, `unknown` if one is still an expression, else `no`. A Google
 * Cloud provider is named by a `gcp-wif-provider` system; an Entra credential by the client id of
 * the app or managed identity it belongs to (`azureClientId`, known when a reader read it — an
 * export lacks it, and then the answer stays unknown).
 */
export function resolveUses(trust: Trust, match: TrustMatch, refs: JobReference[] | undefined, azureClientId?: string): TrustMatch["uses"] {
  if (match.uses !== "unknown" || refs === undefined) return match.uses;
  if (trust.provider === "azure") {
    if (azureClientId === undefined) return match.uses;
    const logins = refs.filter((r) => r.kind === KIND.azure);
    if (logins.some((r) => !r.symbolic && r.identifier?.toLowerCase() === azureClientId.toLowerCase())) return "yes";
    return logins.some((r) => r.symbolic || r.identifier === null) ? "unknown" : "no";
  }
  const relevant = refs.filter((r) => r.kind === KIND[trust.provider] || (trust.provider === "gcp" && r.kind === "gcp-wif-provider"));
  const named = relevant.filter((r) => (trust.provider === "gcp" ? r.kind === "gcp-wif-provider" : true));
  if (named.some((r) => !r.symbolic && names(trust, r))) return "yes";
  if (named.some((r) => r.symbolic)) return "unknown";
  return "no";
}
