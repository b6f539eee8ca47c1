import type { AwsOptions } from "./aws-match";
import { agree, atMost, best, type Decision } from "./decision";
import type { JobTokens, TokenVariant } from "./jobs";
import { jobAudiences, matchTrust } from "./match";
import { display, type Sym } from "./symbolic";
import { withClaims, type Token } from "./token";
import type { Trust } from "./types";

// A trust against one job: for each kind of run (variant) the best audience the job can
// send, with the unknown settings (alternatives) having to agree; the job's verdict is its
// best variant, capped for jobs of workflows we could not read.

export interface MatchContext {
  issuer: string;
  aws: AwsOptions;
  /** Whose default audience the tokens carry: always ours, also for tokens of other owners, who can ask for any. */
  audienceOwner: Sym;
}

export interface VariantVerdict {
  variant: TokenVariant;
  decision: Decision;
  /** The `sub` of the alternative that decided it, as it reads. */
  sub: string;
  /** That alternative with the audience that decided it. */
  token: Token;
}

export interface JobVerdict {
  job: JobTokens;
  decision: Decision;
  sub: string;
  variants: VariantVerdict[];
}

const RANK: Record<Decision, number> = { no: 0, possibly: 1, yes: 2 };

export function evaluateJob(trust: Trust, job: JobTokens, ctx: MatchContext): JobVerdict {
  // null: the tokens keep the audience they were requested with.
  const audiences: (Sym | null)[] = job.ownAudience === true ? [null] : jobAudiences(trust, job.model, ctx.issuer, ctx.audienceOwner);
  const variants = job.variants.map((variant): VariantVerdict => {
    let chosen: VariantVerdict | null = null;
    for (const aud of audiences) {
      const tokens = aud === null ? variant.alternatives : variant.alternatives.map((t) => withClaims(t, { aud: { v: aud } }));
      const each = tokens.map((t) => matchTrust(trust, t, ctx.aws));
      const decision = atMost(atMost(agree(each), job.cap), variant.cap ?? "yes");
      const at = Math.max(0, each.findIndex((d) => d === best(each)));
      const token = tokens[at] as Token;
      if (chosen === null || RANK[decision] > RANK[chosen.decision]) {
        chosen = { variant, decision, token, sub: display(token.claims.sub?.v ?? []) };
      }
    }
    return chosen as VariantVerdict;
  });
  const top = variants.reduce<VariantVerdict | null>((a, v) => (a === null || RANK[v.decision] > RANK[a.decision] ? v : a), null);
  return { job, decision: top?.decision ?? "no", sub: top?.sub ?? "", variants };
}

export function bestOf(trust: Trust, jobs: JobTokens[], ctx: MatchContext): Decision {
  return best(jobs.map((j) => evaluateJob(trust, j, ctx).decision));
}
