import { generateKeyPairSync } from "node:crypto";
import sodium from "libsodium-wrappers";

// The secret-scope key pairs (one curve25519 pair per repository, organisation or environment,
// as GitHub keeps) and the check a secret PUT makes: the libsodium sealed box must open with the
// scope's private key. Invariant: the opened value is looked at for its length only, then wiped;
// nothing derived from its content (no hash, no prefix) is kept anywhere.

export interface SealKeyPair {
  keyId: string;
  /** base64 public key, as `GET …/secrets/public-key` returns it */
  key: string;
  secretKey: Uint8Array;
}

export function newSealKeyPair(keyId: string): SealKeyPair {
  const { publicKey, privateKey } = generateKeyPairSync("x25519");
  const pub = publicKey.export({ format: "jwk" });
  const priv = privateKey.export({ format: "jwk" });
  return {
    keyId,
    key: Buffer.from(pub.x ?? "", "base64url").toString("base64"),
    // An x25519 private key is libsodium's crypto_box secret key (the scalar, clamped on use).
    secretKey: new Uint8Array(Buffer.from(priv.d ?? "", "base64url")),
  };
}

/** GitHub's limit on a secret's value. */
export const SECRET_VALUE_LIMIT_BYTES = 48 * 1024;

/** A coarse size bucket: enough to tell "a token" from "a key file", nothing about the content. */
export type LengthClass = "≤ 64 B" | "≤ 1 KiB" | "≤ 8 KiB" | "≤ 48 KiB";

function lengthClassOf(bytes: number): LengthClass {
  if (bytes <= 64) return "≤ 64 B";
  if (bytes <= 1024) return "≤ 1 KiB";
  if (bytes <= 8 * 1024) return "≤ 8 KiB";
  return "≤ 48 KiB";
}

/**
 * Opens a base64 sealed box with the pair; answers the value's length class, "too-large" over
 * GitHub's 48 KB, or null when it does not open (another key, a corrupted or fake box).
 */
export async function checkSealedBox(pair: SealKeyPair, encryptedBase64: string): Promise<LengthClass | "too-large" | null> {
  await sodium.ready;
  const publicKey = new Uint8Array(Buffer.from(pair.key, "base64"));
  let opened: Uint8Array;
  try {
    opened = sodium.crypto_box_seal_open(new Uint8Array(Buffer.from(encryptedBase64, "base64")), publicKey, pair.secretKey);
  } catch {
    return null;
  }
  const length = opened.length;
  sodium.memzero(opened);
  return length > SECRET_VALUE_LIMIT_BYTES ? "too-large" : lengthClassOf(length);
}
