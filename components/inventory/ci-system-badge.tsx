import { Badge } from "@/components/ui/badge";
import type { CiSystem } from "@/lib/analysis/types";

export const CI_SYSTEM_LABELS: Record<CiSystem, string> = { "github-actions": "GitHub Actions", buildkite: "Buildkite", tekton: "Tekton" };

/** Each system's words on the inventory's pages: its unit of work, where that runs, who holds a secret it reads that GitHub does not. */
export const CI_SYSTEM_WORDS: Record<CiSystem, { jobs: string; runner: string; secretHolder: string }> = {
  "github-actions": { jobs: "Jobs", runner: "Runner", secretHolder: "GitHub secret" },
  buildkite: { jobs: "Steps", runner: "Agents", secretHolder: "held by Buildkite or a plugin" },
  tekton: { jobs: "Tasks", runner: "Runs in", secretHolder: "Kubernetes secret" },
};

/** Which CI system a pipeline belongs to; lists show it for the systems other than GitHub Actions. */
export function CiSystemBadge({ system }: { system: CiSystem }) {
  return <Badge tone="neutral">{CI_SYSTEM_LABELS[system]}</Badge>;
}
