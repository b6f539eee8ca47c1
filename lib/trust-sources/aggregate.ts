import type { Decision } from "@/lib/trust/decision";
import { trustRule } from "@/lib/trust/catalog";
import type { TrustEntry as EvaluatorEntry, TrustFinding, TrustMatch } from "@/lib/trust/types";
import type { Severity } from "@/lib/analysis/types";

// The evaluator answers per repository (a token's claims are a repository's); an organisation's
// trust is the sum over its repositories. Pure: entries in, one verdict per trust out.

/** The evaluator's entry of one repository (`repo`: `owner/name`, absent when no repository could mint a token). */
export type TrustEntry = EvaluatorEntry & { repo?: string };

export interface OrgTrustVerdict {
  matches: TrustMatch[];
  outsideTokens: Decision;
  findings: TrustFinding[];
}

const SEVERITY_RANK: Record<Severity, number> = { critical: 0, high: 1, medium: 2, low: 3, info: 4 };
const OUTSIDE_RANK: Record<Decision, number> = { no: 0, possibly: 1, yes: 2 };
const MAX_LISTED = 5;

/** Findings severity first, then by rule id: the order every page and answer shows. */
export function bySeverity(a: TrustFinding, b: TrustFinding): number {
  return SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] || a.rule.localeCompare(b.rule);
}

function listed(matches: TrustMatch[]): string {
  const names = matches.map((m) => `${m.repo}/${m.path}:${m.job} (${m.decision})`);
  const shown = names.slice(0, MAX_LISTED).join(", ");
  return names.length > MAX_LISTED ? `${shown} and ${names.length - MAX_LISTED} more` : shown;
}

/** Rules whose message comes from one repository's evaluation without naming it. */
const NAMES_NO_REPO = new Set(["trust-pull-request"]);

/** The repositories the trust is meant for first (a job there names it), then those with any match. */
function rank(e: TrustEntry): number {
  return e.matches.some((m) => m.uses === "yes") ? 0 : e.matches.length > 0 ? 1 : 2;
}

/**
 * One trust's per-repository entries as the organisation's verdict:
 * - matches: every repository's; outside tokens: the worst answer;
 * - `trust-unused` only when no repository has a match (its message says so for the organisation);
 * - `trust-broader-than-use` rebuilt from every matching job that does not name the trust;
 * - any other rule once, with the message of the repository the trust is meant for (where a job
 *   names it), else the first with a match, else the first; and how many others it was seen in.
 */
export function aggregateTrust(label: string, org: string, entries: TrustEntry[]): OrgTrustVerdict {
  const matches = entries.flatMap((e) => e.matches);
  const outsideTokens = entries.reduce<Decision>((worst, e) => (OUTSIDE_RANK[e.outsideTokens] > OUTSIDE_RANK[worst] ? e.outsideTokens : worst), "no");
  const byRule = new Map<string, { finding: TrustFinding; repos: number }>();
  for (const e of [...entries].sort((a, b) => rank(a) - rank(b))) {
    for (const f of e.findings) {
      if (f.rule === "trust-unused" || f.rule === "trust-broader-than-use") continue;
      const seen = byRule.get(f.rule);
      if (seen) seen.repos++;
      else byRule.set(f.rule, { finding: NAMES_NO_REPO.has(f.rule) && e.repo ? { ...f, message: `${e.repo}: ${f.message}` } : f, repos: 1 });
    }
  }
  const findings = [...byRule.values()].map(({ finding, repos }) => (repos > 1 ? { ...finding, message: `${finding.message} (Also in ${repos - 1} other repositories.)` } : finding));
  const broader = matches.filter((m) => m.uses === "no");
  if (broader.length > 0) {
    const rule = trustRule("trust-broader-than-use");
    findings.push({ rule: rule.id, severity: rule.severity, message: `${broader.length} job(s) can get a token ${label} accepts without using it: ${listed(broader)}.` });
  }
  if (matches.length === 0) {
    const rule = trustRule("trust-unused");
    findings.push({ rule: rule.id, severity: rule.severity, message: `No job in ${org}'s workflows can get a token ${label} accepts.` });
  }
  return { matches, outsideTokens, findings: findings.sort(bySeverity) };
}
