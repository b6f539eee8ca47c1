import { generateKeyPairSync, randomBytes } from "node:crypto";
import type { GcpSimClient } from "./model";

// A fresh service-account key as Google issues it (the JSON key file, token_uri pointing at
// the simulator), and the client entry the simulator checks the assertion's signature with.

export function newServiceAccountKey(clientEmail: string, tokenUri: string, access: GcpSimClient["access"]): { keyFile: Record<string, string>; client: GcpSimClient } {
  const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  return {
    keyFile: {
      type: "service_account",
      project_id: /@([^.]+)\./.exec(clientEmail)?.[1] ?? "sim-project",
      private_key_id: randomBytes(20).toString("hex"),
      private_key: privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
      client_email: clientEmail,
      client_id: "1".repeat(21),
      auth_uri: "https://accounts.google.com/o/oauth2/auth",
      token_uri: tokenUri,
    },
    client: { clientEmail, publicKeyPem: publicKey.export({ type: "spki", format: "pem" }).toString(), access },
  };
}
