import { actionName } from "../steps";
import { identity, idOf, secretsIn, system, type Extractor } from "./common";

/** hashicorp/vault-action: JWT (GitHub OIDC) role, or a static method (token, approle…). */
export const vaultAction: Extractor = (input) => {
  const { step } = input;
  if (step.uses === null || actionName(step.uses) !== "hashicorp/vault-action") return;
  const method = (step.with.method?.text ?? "token").toLowerCase();
  const oidc = method === "jwt" && step.with.jwtPrivateKey === undefined;
  const staticSecrets = secretsIn(step.with.token, step.with.secretId, step.with.roleId, step.with.password, step.with.githubToken, step.with.jwtPrivateKey);
  identity(input, oidc ? "vault-jwt" : "vault-static", step.with.role ?? { id: method, symbolic: false }, oidc, {
    secrets: staticSecrets,
    ...(oidc ? { audience: step.with.jwtGithubAudience } : {}),
  });
  const url = idOf(step.with.url);
  system(input, "vault", url.id, url.symbolic);
};
