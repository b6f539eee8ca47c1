import "server-only";
import type { OrgReadRoute } from "@/lib/http/define-route";
import { notFound } from "@/lib/http/errors";
import { FindingRefSchema, ListExceptionsSchema } from "./findings-schema";
import { getFindingWithHistory } from "./findings-repo";
import { listExceptions } from "./exceptions-repo";
import { triageFinding } from "./findings-service";
import { grantException, revokeException } from "./exceptions-service";
import type { ExceptionDto, FindingDetailDto, FindingEventDto } from "./findings-dto";

export const findingDetailRoute: OrgReadRoute<typeof FindingRefSchema, FindingDetailDto & { history: FindingEventDto[] }> = {
  kind: "org-read",
  action: "finding.read",
  permission: "finding.read",
  input: FindingRefSchema,
  run: async ({ db, actor, input }) => {
    const found = await getFindingWithHistory(db, actor.orgId, input.findingId);
    if (!found) throw notFound("Finding");
    return found;
  },
};

export const listExceptionsRoute: OrgReadRoute<typeof ListExceptionsSchema, ExceptionDto[]> = {
  kind: "org-read",
  action: "exception.list",
  permission: "finding.read",
  input: ListExceptionsSchema,
  run: ({ db, actor, input }) => listExceptions(db, actor.orgId, input.status),
};

export const triageFindingRoute = { kind: "write", useCase: triageFinding } as const;
export const grantExceptionRoute = { kind: "write", useCase: grantException, successStatus: 201 } as const;
export const revokeExceptionRoute = { kind: "write", useCase: revokeException } as const;
