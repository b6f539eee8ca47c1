import Link from "next/link";
import { Badge } from "@/components/ui/badge";
import type { FindingDto } from "@/lib/findings/findings-dto";
import { ExceptionNote, SEVERITY_TONE, StateBadge, day } from "./finding-labels";
import { FindingTriage } from "./finding-triage";

/** What a reviewer may do on a row: nothing on a signed-off review; triage, and exceptions for admins. */
export interface RowActions {
  canTriage: boolean;
  canGrant: boolean;
}

/** One finding in a review: what, where, whose, and (on the live review) one click to triage it. */
export function FindingRow({ f, orgSlug, actions }: { f: FindingDto; orgSlug: string; actions: RowActions | null }) {
  const where = `${f.repo}${f.path ? `/${f.path}` : ""}${f.line > 0 ? `:${f.line}` : ""}`;
  return (
    <li data-testid="review-finding" className="py-2">
      <div className="flex flex-wrap items-center gap-2">
        <Badge tone={SEVERITY_TONE[f.severity] ?? "neutral"}>{f.severity}</Badge>
        <StateBadge state={f.state} />
        <span className="font-mono text-xs">{f.rule}</span>
        {f.workflowId ? (
          <Link href={`/orgs/${orgSlug}/workflows/${f.workflowId}${f.line > 0 ? `#L${f.line}` : ""}`} className="font-mono text-xs text-blue-800 underline">
            {where}
          </Link>
        ) : (
          <span className="font-mono text-xs">{where}</span>
        )}
        {f.job ? <span className="text-xs text-slate-600">job {f.job}</span> : null}
        {f.assignee ? <span className="text-xs text-slate-700">assigned to {f.assignee}</span> : null}
      </div>
      <p className="mt-1 text-sm">{f.message}</p>
      {f.exception?.status === "expired" ? (
        <p className="mt-1 text-sm text-red-900" data-testid="finding-exception">
          Its exception expired {day(f.exception.expiresAt)} ({f.exception.approvedBy}: “{f.exception.reason}”)
        </p>
      ) : f.exception ? (
        <ExceptionNote exception={f.exception} />
      ) : null}
      {actions?.canTriage && f.state !== "fixed" ? (
        <FindingTriage
          orgSlug={orgSlug}
          canGrant={actions.canGrant}
          finding={{
            id: f.id,
            label: `${f.rule} in ${where}`,
            rule: f.rule,
            repo: f.repo,
            triageState: f.state === "acknowledged" ? "acknowledged" : "open",
            assignee: f.assignee,
            owner: f.owner,
            exceptionId: f.exception?.status === "active" ? f.exception.id : null,
          }}
        />
      ) : null}
    </li>
  );
}
