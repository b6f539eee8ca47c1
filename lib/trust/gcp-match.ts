import { parseCel, CelSyntaxError, type CelNode } from "./cel";
import { decide, evaluate, outcomes, type CelScope, type CelValue, type Outcomes } from "./cel-eval";
import { and, or, type Decision } from "./decision";
import { literalPattern, matchPattern } from "./glob";
import { concrete, type Sym } from "./symbolic";
import { claimOf, type Token } from "./token";
import type { GcpTrust } from "./types";

// Google Cloud Workload Identity Federation: a token is exchanged when the provider is
// enabled, `iss` is its issuer, `aud` one of its allowed audiences (or the provider's own
// name when none are set), the attribute mapping evaluates, and the attribute condition is
// true (IAM REST reference: projects.locations.workloadIdentityPools.providers).

const SUBJECT_MAX_BYTES = 127;
const parsed = new Map<string, CelNode | CelSyntaxError>();

function parse(src: string): CelNode | CelSyntaxError {
  let hit = parsed.get(src);
  if (hit === undefined) {
    try {
      hit = parseCel(src);
    } catch (err) {
      if (!(err instanceof CelSyntaxError)) throw err;
      hit = err;
    }
    if (parsed.size > 10_000) parsed.clear();
    parsed.set(src, hit);
  }
  return hit;
}

function run(src: string, scope: CelScope): CelValue {
  const node = parse(src);
  return node instanceof CelSyntaxError ? { k: "unk" } : evaluate(node, scope);
}

function assertionScope(token: Token, mapped: Map<string, CelValue>): CelScope {
  return {
    lookup(ns, field) {
      if (ns === "assertion") {
        const c = claimOf(token, field);
        return c === undefined ? undefined : { k: "str", s: c.v, maybeError: c.maybeAbsent === true };
      }
      return mapped.get(`${ns}.${field}`);
    },
    has(ns, field): Outcomes {
      if (ns === "assertion") {
        const c = claimOf(token, field);
        return { t: c !== undefined, f: c === undefined || c.maybeAbsent === true, e: false };
      }
      const v = mapped.get(`${ns}.${field}`);
      return { t: v !== undefined, f: v === undefined, e: false };
    },
  };
}

function minBytes(s: Sym): number {
  return s.reduce((n, p) => n + (p.t === "lit" ? Buffer.byteLength(p.s) : p.t === "hole" ? 0 : 1), 0);
}

function subjectDecision(v: CelValue | undefined): Decision {
  if (v === undefined || v.k === "err") return "no";
  if (v.k === "unk") return "possibly";
  if (v.k !== "str") return "no";
  const known = concrete(v.s);
  const long = known !== null ? Buffer.byteLength(known) > SUBJECT_MAX_BYTES : minBytes(v.s) > SUBJECT_MAX_BYTES;
  if (long) return "no";
  return known === null || v.maybeError ? "possibly" : "yes";
}

/** The audiences a token must carry: the configured ones, or the provider's own name with or without `https:`. */
export function gcpAudiences(trust: GcpTrust): string[] {
  if (trust.allowedAudiences.length > 0) return trust.allowedAudiences;
  return [`//iam.googleapis.com/${trust.id}`, `https://iam.googleapis.com/${trust.id}`];
}

export function matchGcp(trust: GcpTrust, token: Token): Decision {
  if (trust.disabled || (trust.state !== null && trust.state !== "ACTIVE")) return "no";
  const iss = token.claims.iss?.v;
  const issuer = matchPattern(literalPattern(trust.issuer.replace(/\/+$/, "")), iss ?? []);
  const aud = token.claims.aud;
  const audience = aud === undefined ? "no" : or(...gcpAudiences(trust).map((a) => matchPattern(literalPattern(a), aud.v)));
  // Mapping first: `attribute.*` and `google.*` in the condition read its results.
  const mapped = new Map<string, CelValue>();
  const scope = assertionScope(token, mapped);
  let mappingDoubt: Decision = "yes";
  for (const [target, src] of Object.entries(trust.attributeMapping)) {
    const v = run(src, { ...scope, lookup: (ns, f) => (ns === "assertion" ? scope.lookup(ns, f) : undefined) });
    if (v.k === "err") continue;
    mapped.set(target, v);
    // A custom attribute whose source claim may be missing: whether Google then refuses the
    // exchange is not documented, so the token may or may not be accepted.
    if (target !== "google.subject" && (v.k === "unk" || (v.k === "str" && v.maybeError))) mappingDoubt = "possibly";
  }
  const subject = subjectDecision(mapped.get("google.subject"));
  const condition = trust.attributeCondition === null ? "yes" : decide(outcomes(run(trust.attributeCondition, scope)));
  return and(issuer, audience, subject, mappingDoubt, condition);
}
