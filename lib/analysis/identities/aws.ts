import { actionName } from "../steps";
import { identity, idOf, secretsIn, system, type Extractor } from "./common";

const ROLE_ARN = /^arn:aws[\w-]*:iam::(\d{12}):role\/[\w+=,.@/-]+$/;

/** aws-actions/configure-aws-credentials: OIDC role unless static access keys are given. */
export const configureAwsCredentials: Extractor = (input) => {
  const { step } = input;
  if (step.uses === null || actionName(step.uses) !== "aws-actions/configure-aws-credentials") return;
  const role = step.with["role-to-assume"];
  const keyId = step.with["aws-access-key-id"];
  const staticSecrets = secretsIn(keyId, step.with["aws-secret-access-key"], step.with["aws-session-token"]);
  const forceSkip = step.with["force-skip-oidc"]?.text === "true";
  // Keys taken from env or an earlier step's outputs are temporary credentials being chained, not stored keys.
  const storedKey = keyId !== undefined && (staticSecrets.length > 0 || !keyId.text.includes("${{"));
  if (storedKey) identity(input, "aws-access-key", keyId, false, { secrets: staticSecrets });
  if (role !== undefined) {
    const usesOidc = keyId === undefined && !forceSkip && step.with["web-identity-token-file"] === undefined;
    identity(input, "aws-role", role, usesOidc, { secrets: secretsIn(role), audience: step.with.audience });
    const ref = idOf(role);
    const account = ref.id !== null && !ref.symbolic ? ROLE_ARN.exec(ref.id)?.[1] : undefined;
    if (account !== undefined) system(input, "aws-account", account);
    else system(input, "aws-account", ref.id, true);
  } else if (storedKey) system(input, "aws-account", null);
};

/** aws-actions/amazon-ecr-login: uses the AWS credentials already in the job. */
export const amazonEcrLogin: Extractor = (input) => {
  const { step } = input;
  if (step.uses === null || actionName(step.uses) !== "aws-actions/amazon-ecr-login") return;
  const viaOidc = input.out.identities.some((i) => i.kind === "aws-role" && i.oidc);
  const registries = idOf(step.with.registries);
  const publicEcr = step.with["registry-type"]?.text === "public";
  identity(input, "registry-login", registries.id !== null ? registries : { id: publicEcr ? "public.ecr.aws" : "ecr", symbolic: false }, viaOidc);
  system(input, "container-registry", publicEcr ? "public.ecr.aws" : "ecr");
};
