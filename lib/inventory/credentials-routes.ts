import "server-only";
import type { OrgReadRoute } from "@/lib/http/define-route";
import { ListIdentitiesSchema, ListOwnersSchema, ListSecretsSchema, ListSystemsSchema } from "./credentials-schema";
import type { IdentityListItem, OwnersPage, Paged, SecretListItem, SystemListItem } from "./credentials-dto";
import { listSecrets } from "./secrets-repo";
import { listIdentities } from "./identities-repo";
import { listSystems } from "./systems-repo";
import { listOwners } from "./owners-repo";
import { clearOwner, setOwner } from "./owners-service";

// GET /api/v1/orgs/{org}/secrets|identities|systems|owners take the same query parameters as
// the pages' URLs (q, scope, flag, kind, auth, group, page, size).

export const listSecretsRoute: OrgReadRoute<typeof ListSecretsSchema, Paged<SecretListItem>> = {
  kind: "org-read",
  action: "inventory.list_secrets",
  permission: "inventory.read",
  input: ListSecretsSchema,
  run: ({ db, actor, input }) => listSecrets(db, actor.orgId, input),
};

export const listIdentitiesRoute: OrgReadRoute<typeof ListIdentitiesSchema, Paged<IdentityListItem>> = {
  kind: "org-read",
  action: "inventory.list_identities",
  permission: "inventory.read",
  input: ListIdentitiesSchema,
  run: ({ db, actor, input }) => listIdentities(db, actor.orgId, input),
};

export const listSystemsRoute: OrgReadRoute<typeof ListSystemsSchema, Paged<SystemListItem>> = {
  kind: "org-read",
  action: "inventory.list_systems",
  permission: "inventory.read",
  input: ListSystemsSchema,
  run: ({ db, actor, input }) => listSystems(db, actor.orgId, input),
};

export const listOwnersRoute: OrgReadRoute<typeof ListOwnersSchema, OwnersPage> = {
  kind: "org-read",
  action: "inventory.list_owners",
  permission: "inventory.read",
  input: ListOwnersSchema,
  run: ({ db, actor, input }) => listOwners(db, actor.orgId, input),
};

/** PUT /api/v1/orgs/{org}/owners { targetType, repoId, workflowPath?, owner } · DELETE the same without owner. */
export const setOwnerRoute = { kind: "write", useCase: setOwner } as const;
export const clearOwnerRoute = { kind: "write", useCase: clearOwner } as const;
