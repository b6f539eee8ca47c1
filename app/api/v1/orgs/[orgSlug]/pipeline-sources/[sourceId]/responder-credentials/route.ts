import { defineRoute } from "@/lib/http/define-route";
import { setPipelineResponderRoute } from "@/lib/pipeline-sources/pipeline-sources-routes";

export const PUT = defineRoute(setPipelineResponderRoute);
