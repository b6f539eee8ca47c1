import { actionName } from "../steps";
import { identity, idOf, secretsIn, system, type Extractor } from "./common";

/** azure/login: federated (OIDC) client, a `creds` JSON with a client secret, or the runner's managed identity. */
export const azureLogin: Extractor = (input) => {
  const { step } = input;
  if (step.uses === null || actionName(step.uses) !== "azure/login") return;
  const client = step.with["client-id"];
  const tenant = idOf(step.with["tenant-id"]);
  const subscription = idOf(step.with["subscription-id"]);
  const creds = step.with.creds;
  if (step.with["auth-type"]?.text.toUpperCase() === "IDENTITY") {
    identity(input, "azure-managed-identity", client, false);
  } else if (client !== undefined || (tenant.id !== null && creds === undefined)) {
    identity(input, "azure-federated", client, true, { audience: step.with.audience });
  } else if (creds !== undefined) {
    identity(input, "azure-client-secret", { id: null, symbolic: false }, false, { secrets: secretsIn(creds) });
  }
  if (tenant.id !== null) system(input, "azure-tenant", tenant.id, tenant.symbolic);
  if (subscription.id !== null) system(input, "azure-subscription", subscription.id, subscription.symbolic);
};
