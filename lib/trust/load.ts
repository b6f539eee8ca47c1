import { trustsBuildkite, trustsGithub } from "./aws-match";
import { awsFromAuthorizationDetails, awsFromGetRole } from "./parse-aws";
import { PolicyError } from "./parse-issues";
import { azureCredential, gcpProvider, PROVIDER_NAME, vaultRole } from "./parse-providers";
import { isBuildkiteIssuer } from "./token";
import type { Trust, TrustError } from "./types";

// Reads one exported policy file, recognised by its shape (no file-name conventions except
// a Vault role's name, which `vault read` does not print: it is the file's name).
// Only trusts of a GitHub Actions issuer (or the one given), or of Buildkite's, are kept.

/** Larger exports are refused before parsing; an account's full authorization details fit well below. */
export const DEFAULT_POLICY_MAX_BYTES = 16 * 1024 * 1024;

export interface PolicyFile {
  path: string;
  content: string | Uint8Array;
}

export interface LoadedPolicies {
  trusts: Trust[];
  errors: TrustError[];
}

const SHAPES =
  "an `aws iam get-role` or `aws iam get-account-authorization-details` output, a `gcloud iam workload-identity-pools providers describe|list --format=json` output, an `az ad app|identity federated-credential list` output, or a `vault read -format=json auth/<path>/role/<name>` output";

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function isGcpProvider(v: unknown): boolean {
  return isObject(v) && typeof v.name === "string" && PROVIDER_NAME.test(v.name);
}

function fromArray(items: unknown[], at: string): Trust[] {
  if (items.length === 0) return [];
  if (items.every(isGcpProvider)) return items.flatMap((p, i) => gcpProvider(p, `${at}[${i}]`) ?? []);
  if (items.every((x) => isObject(x) && ("issuer" in x || (isObject(x.properties) && "issuer" in x.properties)))) {
    return items.map((c, i) => azureCredential(c, `${at}[${i}]`));
  }
  throw new PolicyError(`${at === "" ? "the list" : at}: is neither Google Cloud providers nor federated identity credentials; expected ${SHAPES}`);
}

function recognise(value: unknown, name: string): Trust[] {
  if (Array.isArray(value)) return fromArray(value, "");
  if (!isObject(value)) throw new PolicyError(`expected ${SHAPES}`);
  if ("Role" in value) return awsFromGetRole(value);
  if ("RoleDetailList" in value) return awsFromAuthorizationDetails(value);
  if ("data" in value) return [vaultRole(value, name)];
  if (isGcpProvider(value)) {
    const p = gcpProvider(value, "");
    return p === null ? [] : [p];
  }
  if (Array.isArray(value.workloadIdentityPoolProviders)) return fromArray(value.workloadIdentityPoolProviders, "workloadIdentityPoolProviders");
  if (Array.isArray(value.value)) return fromArray(value.value, "value");
  throw new PolicyError(`expected ${SHAPES}`);
}

function roleName(path: string): string {
  const base = path.split(/[\\/]/).pop() ?? path;
  return base.replace(/\.json$/i, "");
}

/** `https://token.actions.githubusercontent.com[/slug]`, `https://token.actions.SUB.ghe.com[/…]`, `https://HOST/_services/token`. */
export function isGithubIssuer(issuer: string): boolean {
  return /^https:\/\/token\.actions\.githubusercontent\.com(\/[^/]+)?\/?$/.test(issuer) || /^https:\/\/token\.actions\.[a-z0-9-]+\.ghe\.com(\/[^/]+)?\/?$/.test(issuer) || /^https:\/\/[^/]+\/_services\/token\/?$/.test(issuer);
}

/** A GitHub Actions issuer, or Buildkite's: the tokens lib/trust builds. */
export function isSupportedIssuer(issuer: string): boolean {
  return isGithubIssuer(issuer) || isBuildkiteIssuer(issuer);
}

function supported(trust: Trust, issuer: string): boolean {
  switch (trust.provider) {
    case "aws":
      return trustsGithub(trust, issuer) || trustsBuildkite(trust);
    case "gcp":
    case "azure":
      return trust.issuer.replace(/\/+$/, "") === issuer || isSupportedIssuer(trust.issuer);
    case "vault":
      // The issuer is bound on the mount (`auth/<path>/config`), not in the role.
      return true;
  }
}

export function loadPolicy(file: PolicyFile, issuer: string, maxBytes = DEFAULT_POLICY_MAX_BYTES): LoadedPolicies {
  const fail = (message: string): LoadedPolicies => ({ trusts: [], errors: [{ path: file.path, message }] });
  const size = typeof file.content === "string" ? Buffer.byteLength(file.content) : file.content.byteLength;
  if (size > maxBytes) return fail(`is larger than ${maxBytes} bytes; export fewer roles or raise the limit`);
  let text: string;
  try {
    text = typeof file.content === "string" ? file.content : new TextDecoder("utf-8", { fatal: true }).decode(file.content);
  } catch {
    return fail("is not UTF-8 text");
  }
  let value: unknown;
  try {
    value = JSON.parse(text.replace(/^\uFEFF/, ""));
  } catch (err) {
    return fail(`is not JSON (${err instanceof Error ? err.message : String(err)}); export with --output json / --format=json / -format=json`);
  }
  try {
    return { trusts: recognise(value, roleName(file.path)).filter((t) => supported(t, issuer)), errors: [] };
  } catch (err) {
    if (err instanceof PolicyError) return fail(err.message);
    throw err;
  }
}
