import type { IncidentKind, ItemEvidence, ItemStatus, Severity } from "@/lib/db/schema/incidents";

// What the API and the pages get: plain JSON, dates as ISO strings, no internal columns.

export interface IncidentSummaryDto {
  id: string;
  number: number;
  title: string;
  kind: IncidentKind;
  target: string;
  severity: Severity;
  status: "open" | "closed";
  commander: string;
  startedAt: string;
  closedAt: string | null;
  items: number;
  finished: number;
}

export interface ScopeItemDto {
  key: string;
  label: string;
  exposed: boolean;
  /** null: frozen at start; an email: added from drift. */
  addedBy: string | null;
  data: Record<string, unknown>;
}

export interface ChecklistItemDto {
  id: string;
  kind: string;
  scopeKey: string | null;
  label: string;
  detail: string | null;
  owner: string | null;
  assignee: string | null;
  status: ItemStatus;
  statusReason: string | null;
  command: string | null;
  evidence: ItemEvidence[];
  notes: ItemEvidence[];
  exposed: boolean;
  updatedAt: string;
  updatedBy: string | null;
}

export interface IncidentDetailDto {
  id: string;
  number: number;
  title: string;
  kind: IncidentKind;
  target: string;
  targetLabel: string;
  severity: Severity;
  status: "open" | "closed";
  commander: string;
  startedBy: string;
  startedAt: string;
  window: { from: string; to: string } | null;
  inventoryAt: string | null;
  exposureCheckedAt: string | null;
  exposureNote: string | null;
  closedAt: string | null;
  closedBy: string | null;
  summary: string | null;
  scope: Record<"workflows" | "repositories" | "secrets" | "identities" | "systems" | "deployKeys" | "releases" | "owners", ScopeItemDto[]>;
  steps: { step: number; title: string; finished: number; items: ChecklistItemDto[] }[];
  progress: { total: number; finished: number };
  /** New reach outside the frozen scope, now; `seenAt`: when a sync first reported it on the timeline (null: not yet). */
  drift: { workflowId: string; label: string; seenAt: string | null }[];
  timeline: { id: number; at: string; actor: string; type: string; message: string }[];
  /** Buildkite and Tekton pipelines contained through a pipeline source (pipeline_containment; evidence on each item). */
  containments: { id: string; itemId: string; kind: "buildkite" | "kubernetes"; target: string; outcome: "contained" | "partial" | "failed"; appliedAt: string; appliedBy: string }[];
  /** Whether Gatehouse can act on GitHub itself (a responder App is configured), and if not, what that means. */
  responder: { configured: boolean; message: string | null };
}
