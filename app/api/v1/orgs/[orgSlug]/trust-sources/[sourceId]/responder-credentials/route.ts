import { defineRoute } from "@/lib/http/define-route";
import { setResponderCredentialsRoute } from "@/lib/trust-sources/trust-sources-routes";

export const PUT = defineRoute(setResponderCredentialsRoute);
