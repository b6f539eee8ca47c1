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
      return false;
    case "vault":
      return id === trust.name;
  }
}

/**
 * The evaluator's answer, or — when it could not tell — the inventory's resolved references of the
 * job: `yes` if one names the trust, `unknown` if one is still an expression, else `no`. A Google
 * Cloud provider is named by a `gcp-wif-provider` system; an Entra credential cannot be named.
 */
export function resolveUses(trust: Trust, match: TrustMatch, refs: JobReference[] | undefined): TrustMatch["uses"] {
  if (match.uses !== "unknown" || refs === undefined || trust.provider === "azure") return match.uses;
  const relevant = refs.filter((r) => r.kind === KIND[trust.provider] || (trust.provider === "gcp" && r.kind === "gcp-wif-provider"));
  const named = relevant.filter((r) => (trust.provider === "gcp" ? r.kind === "gcp-wif-provider" : true));
  if (named.some((r) => !r.symbolic && names(trust, r))) return "yes";
  if (named.some((r) => r.symbolic)) return "unknown";
  return "no";
}
