import type { ActionResultDto, IncidentActionName } from "@/lib/incidents/incident-actions";

// Incident mode's GitHub calls as the page sees them: POST …/incidents/{id}/actions
// { action, itemIds, dryRun } → the results per item (types only: the API's own).

export type IncidentAction = IncidentActionName;
export type ActionRunDto = ActionResultDto;
export type ActionItemResult = ActionResultDto["results"][number];

export const ACTION_VERBS: Record<IncidentAction, string> = {
  "disable-workflows": "Disabling workflows and cancelling their runs",
  "cancel-runs": "Cancelling runs",
  "delete-caches": "Deleting caches",
  "delete-artifacts": "Deleting artifacts",
  "delete-run-logs": "Deleting run logs",
  "delete-deploy-keys": "Deleting deploy keys",
  "enable-workflows": "Re-enabling",
  "revoke-trust": "Revoking cloud trust",
  "restore-trust": "Restoring cloud trust",
};
