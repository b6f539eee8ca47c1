import { defineRoute } from "@/lib/http/define-route";
import { createPipelineSourceRoute, listPipelineSourcesRoute } from "@/lib/pipeline-sources/pipeline-sources-routes";

export const GET = defineRoute(listPipelineSourcesRoute);
export const POST = defineRoute(createPipelineSourceRoute);
