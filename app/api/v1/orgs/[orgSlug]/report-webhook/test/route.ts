import { defineRoute } from "@/lib/http/define-route";
import { testReportWebhookRoute } from "@/lib/findings/findings-routes";

export const POST = defineRoute(testReportWebhookRoute);
