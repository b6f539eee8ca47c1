import { defineRoute } from "@/lib/http/define-route";
import { readPipelineSourceRoute } from "@/lib/pipeline-sources/pipeline-sources-routes";

export const POST = defineRoute(readPipelineSourceRoute);
