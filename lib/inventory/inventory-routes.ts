import "server-only";
import type { OrgReadRoute } from "@/lib/http/define-route";
import { OrgOnlySchema } from "@/lib/connections/connection-schema";
import { listRepositories, type RepositoryListItem } from "./repositories-repo";
import { listWorkflows, type WorkflowPage } from "./workflows-repo";
import { ListWorkflowsSchema } from "./workflows-schema";

export const listRepositoriesRoute: OrgReadRoute<typeof OrgOnlySchema, RepositoryListItem[]> = {
  kind: "org-read",
  action: "inventory.list_repositories",
  permission: "inventory.read",
  input: OrgOnlySchema,
  run: ({ db, actor }) => listRepositories(db, actor.orgId),
};

export const listWorkflowsRoute: OrgReadRoute<typeof ListWorkflowsSchema, WorkflowPage> = {
  kind: "org-read",
  action: "inventory.list_workflows",
  permission: "inventory.read",
  input: ListWorkflowsSchema,
  run: ({ db, actor, input }) => listWorkflows(db, actor.orgId, input),
};
