import { Badge } from "@/components/ui/badge";
import type { CiSystem } from "@/lib/analysis/types";

export const CI_SYSTEM_LABELS: Record<CiSystem, string> = { "github-actions": "GitHub Actions", buildkite: "Buildkite", tekton: "Tekton" };

/** Which CI system a pipeline belongs to; lists show it for the systems other than GitHub Actions. */
export function CiSystemBadge({ system }: { system: CiSystem }) {
  return <Badge tone="neutral">{CI_SYSTEM_LABELS[system]}</Badge>;
}
