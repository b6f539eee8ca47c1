import "server-only";
import type { OrgReadRoute } from "@/lib/http/define-route";
import { notFound } from "@/lib/http/errors";
import { ListTrustsSchema, TrustRefSchema } from "./trust-sources-schema";
import { listTrustSources, listTrusts, trustDetail } from "./trust-sources-repo";
import { createTrustSource, readTrustSource, removeTrustSource, setResponderCredentials } from "./trust-sources-service";
import type { TrustDetailDto, TrustSourceDto, TrustSummaryDto } from "./trust-sources-dto";

// Trust sources are an admin's (their settings name accounts and endpoints); the trusts and what
// they accept are the inventory's, for every member.

export const listTrustSourcesRoute: OrgReadRoute<typeof ListTrustsSchema, TrustSourceDto[]> = {
  kind: "org-read",
  action: "trust_source.list",
  permission: "trust.manage",
  input: ListTrustsSchema,
  run: ({ db, actor }) => listTrustSources(db, actor.orgId),
};

export const listTrustsRoute: OrgReadRoute<typeof ListTrustsSchema, TrustSummaryDto[]> = {
  kind: "org-read",
  action: "trust.list",
  permission: "inventory.read",
  input: ListTrustsSchema,
  run: ({ db, actor }) => listTrusts(db, actor.orgId),
};

export const trustDetailRoute: OrgReadRoute<typeof TrustRefSchema, TrustDetailDto> = {
  kind: "org-read",
  action: "trust.read",
  permission: "inventory.read",
  input: TrustRefSchema,
  run: async ({ db, actor, input }) => {
    const found = await trustDetail(db, actor.orgId, input.trustId);
    if (!found) throw notFound("Trust");
    return found;
  },
};

export const createTrustSourceRoute = { kind: "write", useCase: createTrustSource, successStatus: 201 } as const;
export const readTrustSourceRoute = { kind: "write", useCase: readTrustSource } as const;
export const removeTrustSourceRoute = { kind: "write", useCase: removeTrustSource } as const;
export const setResponderCredentialsRoute = { kind: "write", useCase: setResponderCredentials } as const;
