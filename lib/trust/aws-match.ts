import { and, not, or, type Decision } from "./decision";
import { literalPattern, matchPattern, starQuestionPattern } from "./glob";
import { hole, lit, type Sym } from "./symbolic";
import { claimOf, type Token } from "./token";
import type { AwsCondition, AwsStatement, AwsTrust } from "./types";

// AWS IAM trust-policy evaluation for sts:AssumeRoleWithWebIdentity (IAM User Guide:
// reference_policies_evaluation-logic, _elements_condition_operators, _multi-value-conditions).
// Explicit Deny wins, then any Allow, else implicit deny. Within a statement every
// condition block and key must hold; several values of one key are OR — AND for the
// negated operators. A key absent from the request makes positive operators false,
// negated ones, `…IfExists` and `ForAllValues:` true.

export interface AwsOptions {
  /**
   * GitHub claims besides `aud` and `sub` that STS puts in the request context. AWS's own
   * documentation of its 2026 provider-specific keys could not be checked, so by default
   * each such key may or may not be there, and a verdict that depends on it is `possibly`.
   */
  knownKeys: ReadonlySet<string>;
}

const ACTION = "sts:assumerolewithwebidentity";
const ARN = /^arn:aws[\w-]*:iam::\d{12}:oidc-provider\/(.+)$/i;
/** Keys of the generic OIDC provider that GitHub tokens never carry. */
const NEVER_PRESENT = new Set(["amr", "azp"]);
const BASES = new Set(["stringequals", "stringnotequals", "stringequalsignorecase", "stringnotequalsignorecase", "stringlike", "stringnotlike", "null"]);

type Presence = "present" | "absent" | "maybe";

/** `https://token.actions.githubusercontent.com/acme` → `token.actions.githubusercontent.com/acme`. */
export function providerPath(issuer: string): string {
  const bare = issuer.replace(/^https:\/\//i, "").replace(/\/+$/, "");
  const slash = bare.indexOf("/");
  return slash < 0 ? bare.toLowerCase() : bare.slice(0, slash).toLowerCase() + bare.slice(slash);
}

/** The provider path an `oidc-provider` ARN names, or null for other principals. */
export function arnProviderPath(arn: string): string | null {
  const m = ARN.exec(arn);
  return m === null ? null : providerPath(m[1] as string);
}

function principalDecision(s: AwsStatement, path: string): Decision {
  const names = (list: "*" | string[]): boolean => list === "*" || list.some((a) => arnProviderPath(a) === path);
  if (s.principals !== null) return names(s.principals) ? "yes" : "no";
  if (s.notPrincipals !== null) return names(s.notPrincipals) ? "no" : "yes";
  return "no";
}

function actionDecision(s: AwsStatement): Decision {
  const hit = (list: string[]): boolean => list.some((a) => matchPattern(starQuestionPattern(a.toLowerCase()), lit(ACTION)) === "yes");
  if (s.actions !== null) return hit(s.actions) ? "yes" : "no";
  if (s.notActions !== null) return hit(s.notActions) ? "no" : "yes";
  return "no";
}

function contextKey(token: Token, key: string, prefix: string, known: ReadonlySet<string>): { value: Sym; presence: Presence } {
  const k = key.toLowerCase();
  if (k.startsWith(`${prefix}:`)) {
    const name = k.slice(prefix.length + 1);
    if (NEVER_PRESENT.has(name)) return { value: [], presence: "absent" };
    const c = claimOf(token, name);
    if (c === undefined) return { value: [], presence: "absent" };
    const sure = name === "aud" || name === "sub" || known.has(name);
    return { value: c.v, presence: sure && c.maybeAbsent !== true ? "present" : "maybe" };
  }
  // Global keys (aws:SourceIp, sts:RoleSessionName…) depend on the request, not the token.
  if (/^(aws|sts):/.test(k)) return { value: hole(k), presence: "maybe" };
  // Another identity provider's keys are not in a GitHub token's request context.
  return { value: [], presence: "absent" };
}

function valueDecision(base: string, pattern: string, value: Sym): Decision {
  // Policy variables (`${aws:username}`, `${*}`) are not evaluated here.
  if (pattern.includes("${")) return "possibly";
  if (base === "stringlike" || base === "stringnotlike") return matchPattern(starQuestionPattern(pattern), value);
  return matchPattern(literalPattern(pattern), value, { ignoreCase: base.includes("ignorecase") });
}

interface Operator {
  supported: boolean;
  base: string;
  negated: boolean;
  /** The verdict when the key is not in the request context. */
  absent: Decision;
}

const operators = new WeakMap<AwsCondition, Operator>();

function operatorOf(cond: AwsCondition): Operator {
  let o = operators.get(cond);
  if (o !== undefined) return o;
  let op = cond.operator.toLowerCase();
  let set: "any" | "all" | null = null;
  if (op.startsWith("foranyvalue:")) [set, op] = ["any", op.slice(12)];
  else if (op.startsWith("forallvalues:")) [set, op] = ["all", op.slice(13)];
  const ifExists = op.endsWith("ifexists");
  const base = ifExists ? op.slice(0, -8) : op;
  const negated = base.includes("not");
  let absent: Decision;
  if (base === "null") absent = or(...cond.values.map((v) => (v.toLowerCase() === "true" ? "yes" : "no")));
  else if (ifExists || set === "all") absent = "yes";
  else if (set === "any") absent = "no";
  else absent = negated ? "yes" : "no";
  o = { supported: BASES.has(base), base, negated, absent };
  operators.set(cond, o);
  return o;
}

function presentDecision(cond: AwsCondition, o: Operator, value: Sym): Decision {
  if (o.base === "null") return or(...cond.values.map((v) => (v.toLowerCase() === "false" ? "yes" : "no")));
  const positive = o.negated ? o.base.replace("not", "") : o.base;
  const each = cond.values.map((p) => valueDecision(positive, p, value));
  return o.negated ? and(...each.map(not)) : or(...each);
}

function conditionDecision(cond: AwsCondition, token: Token, prefix: string, known: ReadonlySet<string>): Decision {
  const o = operatorOf(cond);
  if (!o.supported) return "possibly";
  const { value, presence } = contextKey(token, cond.key, prefix, known);
  if (presence === "absent") return o.absent;
  const present = presentDecision(cond, o, value);
  if (presence === "present") return present;
  return present === o.absent ? present : "possibly";
}

// Principal and action do not depend on the token: decided once per statement and issuer.
const scoped = new WeakMap<AwsStatement, Map<string, Decision>>();

function statementScope(s: AwsStatement, path: string): Decision {
  let byPath = scoped.get(s);
  if (byPath === undefined) scoped.set(s, (byPath = new Map()));
  let d = byPath.get(path);
  if (d === undefined) {
    d = and(principalDecision(s, path), actionDecision(s));
    byPath.set(path, d);
  }
  return d;
}

/** Can this token assume the role? */
export function matchAws(trust: AwsTrust, token: Token, options: AwsOptions): Decision {
  const iss = token.claims.iss?.v;
  const issuer = iss !== undefined && iss.length === 1 && iss[0]?.t === "lit" ? iss[0].s : null;
  if (issuer === null) return "possibly";
  const path = providerPath(issuer);
  const prefix = path.toLowerCase();
  const applies = (s: AwsStatement): Decision => {
    const scope = statementScope(s, path);
    return scope === "no" ? "no" : and(scope, ...s.conditions.map((c) => conditionDecision(c, token, prefix, options.knownKeys)));
  };
  const allow = or(...trust.statements.filter((s) => s.effect === "Allow").map(applies));
  const deny = or(...trust.statements.filter((s) => s.effect === "Deny").map(applies));
  return and(allow, not(deny));
}

function trustsPath(trust: AwsTrust, accept: (path: string) => boolean): boolean {
  return trust.statements.some((s) => {
    if (s.effect !== "Allow" || actionDecision(s) === "no") return false;
    if (s.principals === "*") return true;
    return (s.principals ?? []).some((a) => {
      const p = arnProviderPath(a);
      return p !== null && accept(p);
    });
  });
}

/** Does the policy trust a GitHub issuer (or the one given) at all? Only such roles — and Buildkite's — are reported. */
export function trustsGithub(trust: AwsTrust, issuer: string): boolean {
  const ours = providerPath(issuer);
  return trustsPath(trust, (p) => p === ours || isGithubIssuerPath(p));
}

/** Does the policy trust Buildkite's agent tokens (`oidc-provider/agent.buildkite.com`)? */
export function trustsBuildkite(trust: AwsTrust): boolean {
  return trustsPath(trust, (p) => p === BUILDKITE_PROVIDER_PATH);
}

export const BUILDKITE_PROVIDER_PATH = "agent.buildkite.com";

/** token.actions.githubusercontent.com[/slug], token.actions.SUB.ghe.com[/…], HOST/_services/token. */
export function isGithubIssuerPath(path: string): boolean {
  return /^token\.actions\.githubusercontent\.com(\/[^/]+)?$/.test(path) || /^token\.actions\.[a-z0-9-]+\.ghe\.com(\/[^/]+)?$/.test(path) || /\/_services\/token$/.test(path);
}
