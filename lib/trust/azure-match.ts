import { and, or, type Decision } from "./decision";
import { literalPattern, matchPattern, starQuestionPattern } from "./glob";
import { claimOf, type Token } from "./token";
import type { AzureTrust } from "./types";

// Microsoft Entra federated identity credentials (workload-identity-federation-considerations,
// workload-identities-flexible-federated-identity-credentials): `iss` must equal the issuer,
// `aud` one of the audiences, and `sub` the subject exactly — or, for a flexible credential,
// the expression must hold: `claims['<name>'] <eq|matches> '<comparand>'` terms joined by
// ` and `, `matches` with `?` for one character and `*` for any run. For GitHub only `sub`
// and `job_workflow_ref` may be named. Whether `subject` is compared case-sensitively is
// not documented: a match only ignoring case is `possibly`.

export interface FlexTerm {
  claim: string;
  op: "eq" | "matches";
  comparand: string;
}

const GITHUB_FLEX_CLAIMS = new Set(["sub", "job_workflow_ref"]);

/** Entra limits credential fields to 600 characters; anything far beyond is not read. */
const MAX_EXPRESSION = 4096;

/** Parses a flexible credential expression; null when it is not in the documented language. */
export function parseFlexExpression(expr: string): FlexTerm[] | null {
  if (expr.length > MAX_EXPRESSION) return null;
  const src = expr.replace(/[\u2018\u2019]/g, "'").trim();
  const terms: FlexTerm[] = [];
  let i = 0;
  for (;;) {
    const head = /^claims\['([A-Za-z0-9_]+)'\] (eq|matches) '/.exec(src.slice(i));
    if (head === null) return null;
    i += head[0].length;
    let comparand = "";
    for (;;) {
      if (i >= src.length) return null;
      const c = src[i] as string;
      // A single quote is the escape character: '' stands for one quote.
      if (c === "'" && src[i + 1] === "'") {
        comparand += "'";
        i += 2;
      } else if (c === "'") {
        i++;
        break;
      } else {
        comparand += c;
        i++;
      }
    }
    terms.push({ claim: head[1] as string, op: head[2] as "eq" | "matches", comparand });
    if (i === src.length) return terms;
    if (!src.startsWith(" and ", i)) return null;
    i += 5;
  }
}

function termDecision(term: FlexTerm, token: Token): Decision {
  if (!GITHUB_FLEX_CLAIMS.has(term.claim)) return "possibly";
  const c = claimOf(token, term.claim);
  if (c === undefined) return "no";
  const d = matchPattern(term.op === "eq" ? literalPattern(term.comparand) : starQuestionPattern(term.comparand), c.v);
  return c.maybeAbsent ? and(d, "possibly") : d;
}

export function matchAzure(trust: AzureTrust, token: Token): Decision {
  const iss = token.claims.iss;
  const aud = token.claims.aud;
  const sub = token.claims.sub;
  if (iss === undefined || aud === undefined || sub === undefined) return "no";
  const issuer = matchPattern(literalPattern(trust.issuer), iss.v);
  const audience = or(...trust.audiences.map((a) => matchPattern(literalPattern(a), aud.v)));
  let subject: Decision;
  if (trust.subject !== null) {
    subject = matchPattern(literalPattern(trust.subject), sub.v);
    if (subject !== "yes" && matchPattern(literalPattern(trust.subject), sub.v, { ignoreCase: true }) !== "no") subject = "possibly";
  } else if (trust.expression !== null) {
    const terms = parseFlexExpression(trust.expression);
    subject = terms === null ? "possibly" : and(...terms.map((t) => termDecision(t, token)));
  } else subject = "no";
  return and(issuer, audience, subject);
}
