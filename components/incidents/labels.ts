import type { BadgeTone } from "@/components/ui/badge";
import type { IncidentKind, ItemStatus, Severity } from "@/lib/db/schema/incidents";

// Words and colours of incident mode, shared by the list, the form and the incident page.
// Records keyed by the schema's unions: a new kind, severity or status fails the type check here.

export const KIND_LABELS: Record<IncidentKind, string> = {
  action: "Action",
  workflow: "Workflow",
  job: "Job",
  secret: "Secret",
  identity: "Identity",
  runner: "Self-hosted runner",
  repository: "Repository",
};
export const INCIDENT_KIND_LIST = Object.keys(KIND_LABELS) as IncidentKind[];

export const TARGET_HINTS: Record<IncidentKind, string> = {
  action: "owner/action or owner/action@ref, e.g. tj-actions/changed-files@v45",
  workflow: "owner/repo/.github/workflows/file.yml, or the workflow's id",
  job: "the job's id (start from its workflow's page)",
  secret: "its name, e.g. NPM_TOKEN",
  identity: "a cloud role, App or key, e.g. arn:aws:iam::123456789012:role/deploy",
  runner: "a self-hosted runner label, e.g. gpu",
  repository: "owner/repo",
};

export const SEVERITY_TONE: Record<Severity, BadgeTone> = { critical: "red", high: "red", medium: "amber", low: "neutral" };
export const SEVERITY_LIST: Severity[] = ["critical", "high", "medium", "low"];

export const ITEM_STATUS_LABELS: Record<ItemStatus, string> = {
  todo: "To do",
  in_progress: "In progress",
  done: "Done",
  verified: "Verified",
  skipped: "Skipped",
  failed: "Failed",
};
export const ITEM_STATUS_TONE: Record<ItemStatus, BadgeTone> = { todo: "neutral", in_progress: "blue", done: "green", verified: "green", skipped: "neutral", failed: "red" };
/** What a person may set (verified is Gatehouse's to give: a sync that sees the rotation). */
export const SETTABLE_STATUSES: ItemStatus[] = ["todo", "in_progress", "done", "skipped", "failed"];

/** "2025-03-14 16:02 UTC" (or with seconds): the same text on the server and in any browser's time zone. */
export function utc(iso: string | null | undefined, seconds = false): string {
  if (!iso) return "—";
  return `${iso.replace("T", " ").slice(0, seconds ? 19 : 16)} UTC`;
}

/** A datetime-local value ("2025-03-14T16:00"), read as UTC whatever the browser's zone, to ISO 8601; empty or invalid → null. */
export function utcInputToIso(v: string): string | null {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(v)) return null;
  const d = new Date(`${v}Z`);
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}

export const percent = (finished: number, total: number) => (total === 0 ? 100 : Math.round((100 * finished) / total));
