import "server-only";
import type { OrgReadRoute } from "@/lib/http/define-route";
import { OrgOnlySchema } from "@/lib/connections/connection-schema";
import { listRepositories, type RepositoryListItem } from "./repositories-repo";

export const listRepositoriesRoute: OrgReadRoute<typeof OrgOnlySchema, RepositoryListItem[]> = {
  kind: "org-read",
  action: "inventory.list_repositories",
  permission: "inventory.read",
  input: OrgOnlySchema,
  run: ({ db, actor }) => listRepositories(db, actor.orgId),
};
