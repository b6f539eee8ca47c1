// The contract of incident mode's GitHub calls (issue 10, "API"): what the page sends to
// POST /api/v1/orgs/{org}/incidents/{id}/actions and reads back. Types only, kept here so the
// screens can be built and tested against the contract while the route is being built.

export type IncidentAction = "disable-workflows" | "cancel-runs" | "delete-caches" | "delete-artifacts" | "delete-deploy-keys" | "enable-workflows";

export interface ActionCall {
  method: string;
  path: string;
}

export interface ActionItemResult {
  itemId: string;
  label: string;
  /** planned: a dry run's; manual: no responder App, the calls are to be made by hand. */
  status: "done" | "already" | "failed" | "planned" | "manual";
  message: string;
  calls: ActionCall[];
}

export interface ActionRunDto {
  action: IncidentAction;
  dryRun: boolean;
  summary: string;
  results: ActionItemResult[];
}

/** The detail's `responder` field, read defensively: only what the page shows. */
export interface ResponderStatus {
  configured?: boolean;
  message?: string;
}

export const ACTION_VERBS: Record<IncidentAction, { running: string; done: string }> = {
  "disable-workflows": { running: "Disabling workflows", done: "Disable workflows" },
  "cancel-runs": { running: "Cancelling runs", done: "Cancel runs" },
  "delete-caches": { running: "Deleting caches", done: "Delete caches" },
  "delete-artifacts": { running: "Deleting artifacts", done: "Delete artifacts" },
  "delete-deploy-keys": { running: "Deleting deploy keys", done: "Delete deploy keys" },
  "enable-workflows": { running: "Re-enabling", done: "Re-enable" },
};
