import { Badge, type BadgeTone } from "@/components/ui/badge";
import { SEVERITY_TONE } from "@/components/findings/finding-labels";
import type { TrustFinding } from "@/lib/trust/types";

export const PROVIDER_LABEL: Record<string, string> = { aws: "AWS", gcp: "Google Cloud", azure: "Azure", vault: "Vault" };

const OUTSIDE: Record<string, { tone: BadgeTone; text: string }> = {
  yes: { tone: "red", text: "yes" },
  possibly: { tone: "amber", text: "possibly" },
  no: { tone: "green", text: "no" },
};

/** Can a token of another GitHub owner be accepted? */
export function OutsideBadge({ verdict }: { verdict: string | null }) {
  if (verdict === null) return <span className="text-xs text-slate-500">not evaluated</span>;
  const o = OUTSIDE[verdict] ?? OUTSIDE.possibly!;
  return <Badge tone={o.tone}>{o.text}</Badge>;
}

export function FindingBadges({ findings }: { findings: TrustFinding[] }) {
  if (findings.length === 0) return <span className="text-xs text-slate-500">none</span>;
  return (
    <ul className="flex flex-wrap gap-1">
      {findings.map((f) => (
        <li key={f.rule}>
          <Badge tone={SEVERITY_TONE[f.severity] ?? "neutral"}>
            {f.severity} · {f.rule}
          </Badge>
        </li>
      ))}
    </ul>
  );
}
