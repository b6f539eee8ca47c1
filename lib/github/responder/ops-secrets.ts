import "server-only";
import sodium from "libsodium-wrappers";
import { calls, type SecretTarget } from "./calls";
import { ResponderError } from "./errors";
import type { SessionCore } from "./session-core";
import type { SecretScope } from "./steps";

// Writing a secret's new value: GitHub's public key for the scope, a libsodium sealed box
// (crypto_box_seal) made here, then PUT. Invariants: the value is checked before any call, lives
// only in this function's locals and the sealed box, and appears in no message, log, return value
// or error (errors are built from names, never from the input or the request body).

/** GitHub's limit on one secret's value. */
export const SECRET_VALUE_LIMIT_BYTES = 48 * 1024;

export interface SecretWrite {
  scope: SecretScope;
  /** the organisation, or the repository's owner */
  owner: string;
  repo?: string;
  environment?: string;
  name: string;
  /** the new value: sealed, sent, forgotten */
  value: string;
  /** organisation secrets: kept as they are unless given */
  visibility?: "all" | "private" | "selected";
  selectedRepositoryIds?: number[];
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** The checks GitHub would make, made before any call; the message names the secret, never its value. */
function refuseInput(input: SecretWrite): string | null {
  const where = `secret ${input.name}`;
  if (!NAME.test(input.name) || input.name.toUpperCase().startsWith("GITHUB_")) {
    return `Writing ${where}: a secret name has letters, digits and underscores only, does not start with a digit or GITHUB_.`;
  }
  if (input.scope !== "organization" && !input.repo) return `Writing ${where}: a ${input.scope} secret needs its repository.`;
  if (input.scope === "environment" && !input.environment) return `Writing ${where}: an environment secret needs its environment.`;
  if (input.scope !== "organization" && (input.visibility !== undefined || input.selectedRepositoryIds !== undefined)) {
    return `Writing ${where}: visibility and selected repositories belong to organisation secrets only.`;
  }
  if (input.value.length === 0) return `Writing ${where}: the new value is empty. Paste the re-issued credential.`;
  const bytes = Buffer.byteLength(input.value, "utf8");
  if (bytes > SECRET_VALUE_LIMIT_BYTES) {
    return `Writing ${where}: the value is ${bytes} bytes and GitHub takes at most 48 KB (${SECRET_VALUE_LIMIT_BYTES} bytes) per secret. Store a larger credential elsewhere (for example encrypted in the repository) and keep only its key as the secret.`;
  }
  return null;
}

function describe(t: SecretTarget): string {
  if (t.scope === "organization") return `organisation secret ${t.name} of ${t.owner}`;
  if (t.scope === "environment") return `environment secret ${t.name} (${t.environment}) of ${t.owner}/${t.repo}`;
  return `repository secret ${t.name} of ${t.owner}/${t.repo}`;
}

/** base64 sealed box of `value` for GitHub's base64 curve25519 public key. */
async function seal(value: string, publicKeyBase64: string, what: string): Promise<string> {
  await sodium.ready;
  let publicKey: Uint8Array;
  try {
    publicKey = sodium.from_base64(publicKeyBase64, sodium.base64_variants.ORIGINAL);
  } catch {
    publicKey = new Uint8Array(0);
  }
  if (publicKey.length !== sodium.crypto_box_PUBLICKEYBYTES) throw new ResponderError("refused", `${what}: GitHub's public key for it is not a curve25519 key; nothing was written.`);
  const message = sodium.from_string(value);
  try {
    return sodium.to_base64(sodium.crypto_box_seal(message, publicKey), sodium.base64_variants.ORIGINAL);
  } finally {
    sodium.memzero(message);
  }
}

export function secretOps(core: SessionCore) {
  /** Organisation secrets: the visibility and repositories to send, the existing ones unless given. */
  async function orgVisibility(input: SecretWrite, what: string): Promise<Record<string, unknown>> {
    let visibility = input.visibility;
    let existing: string | undefined;
    if (visibility === undefined || (visibility === "selected" && input.selectedRepositoryIds === undefined)) {
      try {
        existing = (await core.send<{ visibility?: string }>(calls.getOrgSecret(input.owner, input.name), `${what}: reading its visibility`)).data.visibility;
      } catch (error) {
        if (!(error instanceof ResponderError && error.status === 404)) throw error;
      }
    }
    if (visibility === undefined) {
      if (existing !== "all" && existing !== "private" && existing !== "selected") {
        throw new ResponderError("refused", `${what}: it does not exist yet, so say which repositories may use it (visibility all, private or selected); nothing was written.`);
      }
      visibility = existing;
    }
    if (visibility !== "selected") return { visibility };
    let ids = input.selectedRepositoryIds;
    if (ids === undefined) {
      if (existing !== "selected") throw new ResponderError("refused", `${what}: visibility "selected" needs the repositories that may use it; nothing was written.`);
      const repos = await core.list<{ id: number }>(calls.orgSecretRepositories(input.owner, input.name), `${what}: reading its selected repositories`);
      ids = repos.map((r) => r.id);
    }
    return { visibility, selected_repository_ids: ids };
  }

  async function writeSecret(input: SecretWrite): Promise<"created" | "updated"> {
    const refusal = refuseInput(input);
    if (refusal) throw new ResponderError("refused", refusal);
    const target: SecretTarget = { scope: input.scope, owner: input.owner, repo: input.repo, environment: input.environment, name: input.name };
    const what = `Writing the ${describe(target)}`;
    const extra = input.scope === "organization" ? await orgVisibility(input, what) : {};
    const { data: key } = await core.send<{ key_id: string; key: string }>(calls.secretPublicKey(target), `${what}: reading its public key`);
    const encrypted = await seal(input.value, key.key, what);
    const { status } = await core.send(calls.putSecret(target, { encrypted_value: encrypted, key_id: key.key_id, ...extra }), what);
    return status === 201 ? "created" : "updated";
  }

  return { writeSecret };
}
