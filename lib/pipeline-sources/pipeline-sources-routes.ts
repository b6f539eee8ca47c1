import "server-only";
import type { OrgReadRoute } from "@/lib/http/define-route";
import { ListPipelineSourcesSchema } from "./pipeline-sources-schema";
import { listPipelineSources } from "./pipeline-sources-repo";
import { createPipelineSource, readPipelineSourceNow, removePipelineSource, setPipelineResponderCredentials } from "./pipeline-sources-service";
import type { PipelineSourceDto } from "./pipeline-sources-dto";

// The list is every member's (no secret in it: settings, where credentials come from, the last
// read's figures and findings); changing sources is an admin's.

export const listPipelineSourcesRoute: OrgReadRoute<typeof ListPipelineSourcesSchema, PipelineSourceDto[]> = {
  kind: "org-read",
  action: "pipeline_source.list",
  permission: "inventory.read",
  input: ListPipelineSourcesSchema,
  run: ({ db, actor }) => listPipelineSources(db, actor.orgId),
};

export const createPipelineSourceRoute = { kind: "write", useCase: createPipelineSource, successStatus: 201 } as const;
export const readPipelineSourceRoute = { kind: "write", useCase: readPipelineSourceNow } as const;
export const removePipelineSourceRoute = { kind: "write", useCase: removePipelineSource } as const;
export const setPipelineResponderRoute = { kind: "write", useCase: setPipelineResponderCredentials } as const;
