import { Badge, type BadgeTone } from "@/components/ui/badge";
import type { Phase } from "@/lib/analysis/types";

const TONE: Record<Phase, BadgeTone> = { "build-untrusted": "neutral", verify: "green", publish: "amber", deploy: "red" };

export function PhaseBadge({ phase }: { phase: Phase | null }) {
  return phase ? <Badge tone={TONE[phase]}>{phase}</Badge> : <span className="text-slate-500">—</span>;
}
