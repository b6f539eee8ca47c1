import type { Trust } from "@/lib/trust/types";
import type { TrustConditionDto } from "./trust-sources-dto";

// A trust document as a few readable lines (the detail page's "Conditions"): what a token must
// carry to be accepted, as the provider wrote it. Pure.

const GITHUB_KEY = /^token\.actions\.githubusercontent\.com(?:\/[^:]+)?:/;

export function summariseConditions(trust: Trust): TrustConditionDto[] {
  switch (trust.provider) {
    case "aws":
      return trust.statements.flatMap((s, i) => {
        const who = s.principals === "*" ? "any principal" : s.principals === null ? "no federated principal" : s.principals.join(", ");
        const head = { label: `Statement ${i + 1}`, value: `${s.effect} ${(s.actions ?? ["(NotAction)"]).join(", ")} for ${who}` };
        const conds = s.conditions.map((c) => ({ label: `${c.operator} ${c.key.replace(GITHUB_KEY, "")}`, value: c.values.join(" | ") }));
        return [head, ...(conds.length > 0 ? conds : [{ label: "Conditions", value: "none: any token of the provider is accepted" }])];
      });
    case "gcp":
      return [
        { label: "Issuer", value: trust.issuer },
        { label: "Allowed audiences", value: trust.allowedAudiences.join(" | ") || "(the provider's own name)" },
        { label: "Attribute condition", value: trust.attributeCondition ?? "none" },
        { label: "Attribute mapping", value: Object.entries(trust.attributeMapping).map(([k, v]) => `${k} = ${v}`).join("; ") || "none" },
        ...(trust.disabled ? [{ label: "State", value: "disabled" }] : []),
      ];
    case "azure":
      return [
        { label: "Issuer", value: trust.issuer },
        { label: "Subject", value: trust.subject ?? "(flexible expression)" },
        ...(trust.expression ? [{ label: "Claims expression", value: trust.expression }] : []),
        { label: "Audiences", value: trust.audiences.join(" | ") },
      ];
    case "vault":
      return [
        { label: "Role type", value: trust.roleType },
        { label: "Bound audiences", value: trust.boundAudiences.join(" | ") || "none (every GitHub token is refused)" },
        { label: "Bound subject", value: trust.boundSubject || "none" },
        ...Object.entries(trust.boundClaims).map(([k, v]) => ({ label: `Bound claim ${k} (${trust.boundClaimsType})`, value: v.join(" | ") })),
        { label: "User claim", value: trust.userClaim },
      ];
  }
}
