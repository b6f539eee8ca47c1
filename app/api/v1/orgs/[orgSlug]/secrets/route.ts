import { defineRoute } from "@/lib/http/define-route";
import { listSecretsRoute } from "@/lib/inventory/credentials-routes";

export const GET = defineRoute(listSecretsRoute);
