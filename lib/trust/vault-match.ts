import { and, or, type Decision } from "./decision";
import { goGlob, literalPattern, matchPattern, starPattern } from "./glob";
import { concrete } from "./symbolic";
import { BUILDKITE_ISSUER, claimOf, type ClaimValue, type Token } from "./token";
import type { VaultTrust } from "./types";

// Vault / OpenBao JWT auth login (hashicorp/vault-plugin-auth-jwt path_login.go, claims.go):
// the role must be of type `jwt`; the token's `iss` the mount's `bound_issuer` (a role read
// without it is taken as GitHub's); a token with an `aud` needs a role with bound audiences,
// one of which it carries; `bound_subject` is exact; every `bound_claims` key must be present
// and match one of its values — exactly, or with go-glob (`*` only) when
// `bound_claims_type=glob`; `user_claim` must name a string claim. Keys starting with `/` are
// JSON pointers (GitHub's claims are flat strings, so only `/name` can resolve).

function pointer(token: Token, key: string): ClaimValue | undefined {
  if (!key.startsWith("/")) return claimOf(token, key);
  const parts = key.slice(1).split("/");
  return parts.length === 1 ? claimOf(token, (parts[0] as string).replaceAll("~1", "/").replaceAll("~0", "~")) : undefined;
}

function present(c: ClaimValue | undefined): Decision {
  return c === undefined ? "no" : c.maybeAbsent ? "possibly" : "yes";
}

function claimMatches(c: ClaimValue | undefined, values: string[], glob: boolean): Decision {
  if (c === undefined) return "no";
  const known = concrete(c.v);
  const each = values.map((v): Decision => {
    if (glob && known !== null) return goGlob(v, known) ? "yes" : "no";
    return matchPattern(glob ? starPattern(v) : literalPattern(v), c.v);
  });
  return and(present(c), or(...each));
}

export function matchVault(trust: VaultTrust, token: Token): Decision {
  if (trust.roleType !== "jwt") return "no";
  // The issuer is the mount's: as a reader saw it, else GitHub's — never Buildkite's unless read.
  const iss = token.claims.iss?.v ?? [];
  const issuer = trust.issuer !== undefined ? matchPattern(literalPattern(trust.issuer.replace(/\/+$/, "")), iss) : matchPattern(literalPattern(BUILDKITE_ISSUER), iss) === "yes" ? "no" : "yes";
  if (issuer === "no") return "no";
  const aud = token.claims.aud;
  // "audience claim found in JWT but no audiences bound to the role": GitHub tokens always have one.
  if (aud === undefined || trust.boundAudiences.length === 0) return "no";
  const audience = or(...trust.boundAudiences.map((a) => matchPattern(literalPattern(a), aud.v)));
  const sub = token.claims.sub;
  const subject = trust.boundSubject === "" ? "yes" : sub === undefined ? "no" : matchPattern(literalPattern(trust.boundSubject), sub.v);
  const claims = Object.entries(trust.boundClaims).map(([k, values]) => claimMatches(pointer(token, k), values, trust.boundClaimsType === "glob"));
  const user = present(pointer(token, trust.userClaim));
  // A groups claim must be a list; GitHub's claims are strings, which some versions refuse.
  const groups = trust.groupsClaim === "" ? "yes" : and(present(pointer(token, trust.groupsClaim)), "possibly");
  // Bound CIDRs depend on the runner's address, not on the token.
  const cidrs = trust.tokenBoundCidrs.length > 0 ? "possibly" : "yes";
  return and(issuer, audience, subject, ...claims, user, groups, cidrs);
}
