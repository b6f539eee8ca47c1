import { Badge } from "@/components/ui/badge";

export function FindingsBadges({ counts }: { counts: { critical: number; high: number; medium: number; low: number; info: number } }) {
  const total = counts.critical + counts.high + counts.medium + counts.low + counts.info;
  if (total === 0) return <span className="text-slate-500">none</span>;
  return (
    <span className="flex flex-wrap gap-1">
      {counts.critical > 0 ? <Badge tone="red">{counts.critical} critical</Badge> : null}
      {counts.high > 0 ? <Badge tone="amber">{counts.high} high</Badge> : null}
      {counts.medium > 0 ? <Badge>{counts.medium} medium</Badge> : null}
      {counts.low + counts.info > 0 ? <span className="text-xs text-slate-600">+{counts.low + counts.info} low/info</span> : null}
    </span>
  );
}
