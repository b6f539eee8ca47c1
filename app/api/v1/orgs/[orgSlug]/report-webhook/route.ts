import { defineRoute } from "@/lib/http/define-route";
import { configureReportWebhookRoute, removeReportWebhookRoute, reportWebhookRoute } from "@/lib/findings/findings-routes";

export const GET = defineRoute(reportWebhookRoute);
export const PUT = defineRoute(configureReportWebhookRoute);
export const DELETE = defineRoute(removeReportWebhookRoute);
