import { defineRoute } from "@/lib/http/define-route";
import { removePipelineSourceRoute } from "@/lib/pipeline-sources/pipeline-sources-routes";

export const DELETE = defineRoute(removePipelineSourceRoute);
