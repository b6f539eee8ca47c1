import "server-only";
import type { OrgReadRoute } from "@/lib/http/define-route";
import { IncidentRefSchema, ListIncidentsSchema, ReportSchema } from "./incident-schema";
import { getIncidentDetail, listIncidents } from "./incident-repo";
import { addScope, closeIncident, startIncident, updateItem } from "./incident-service";
import { incidentMarkdown } from "./report";
import { runIncidentAction } from "./incident-actions";
import { setSecretValue } from "./secret-value";
import { containPipeline } from "./pipeline-contain";
import type { IncidentDetailDto, IncidentSummaryDto } from "./incident-dto";

export const listIncidentsRoute: OrgReadRoute<typeof ListIncidentsSchema, IncidentSummaryDto[]> = {
  kind: "org-read",
  action: "incident.list",
  permission: "incident.read",
  input: ListIncidentsSchema,
  run: ({ db, actor, input }) => listIncidents(db, actor.orgId, input.status),
};

export const incidentDetailRoute: OrgReadRoute<typeof IncidentRefSchema, IncidentDetailDto> = {
  kind: "org-read",
  action: "incident.read",
  permission: "incident.read",
  input: IncidentRefSchema,
  run: ({ db, actor, input }) => getIncidentDetail(db, actor.orgId, input.incidentId),
};

/** The report as a file: Markdown for a ticket, or the JSON of the detail view. */
export const incidentReportRoute: OrgReadRoute<typeof ReportSchema, Response> = {
  kind: "org-read",
  action: "incident.report",
  permission: "incident.read",
  input: ReportSchema,
  run: async ({ db, actor, input }) => {
    const detail = await getIncidentDetail(db, actor.orgId, input.incidentId);
    const name = `gatehouse-${actor.orgSlug}-INC-${detail.number}.${input.format}`;
    const body = input.format === "md" ? incidentMarkdown(detail) : JSON.stringify(detail, null, 2);
    return new Response(body, {
      headers: {
        "content-type": input.format === "md" ? "text/markdown; charset=utf-8" : "application/json; charset=utf-8",
        "content-disposition": `attachment; filename="${name}"`,
        "cache-control": "no-store",
      },
    });
  },
};

export const startIncidentRoute = { kind: "write", useCase: startIncident, successStatus: 201 } as const;
export const updateItemRoute = { kind: "write", useCase: updateItem } as const;
export const addScopeRoute = { kind: "write", useCase: addScope } as const;
export const closeIncidentRoute = { kind: "write", useCase: closeIncident } as const;
export const incidentActionRoute = { kind: "write", useCase: runIncidentAction } as const;
export const secretValueRoute = { kind: "write", useCase: setSecretValue } as const;
export const containPipelineRoute = { kind: "write", useCase: containPipeline } as const;
