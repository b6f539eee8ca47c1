import { actionName } from "../steps";
import { identity, secretsIn, system, type Extractor } from "./common";

const SIGN = /\bcosign\s+(sign|sign-blob|attest|attest-blob)\b[^\n]*/g;

/** cosign in scripts: keyless (OIDC, Fulcio) unless `--key` names a key; GitHub attestations are keyless. */
export const cosign: Extractor = (input) => {
  const { step } = input;
  if (step.uses !== null) {
    const name = actionName(step.uses);
    if (name === "actions/attest-build-provenance" || name === "actions/attest" || name === "actions/attest-sbom") {
      identity(input, "cosign-keyless", { id: "github-attestations", symbolic: false }, true);
      system(input, "sigstore", "github-attestations");
    }
    return;
  }
  if (step.run === null) return;
  for (const m of step.run.text.matchAll(SIGN)) {
    const line = m[0];
    const key = /--key[ =]+(\S+)/.exec(line)?.[1];
    if (key === undefined) {
      identity(input, "cosign-keyless", { id: "fulcio", symbolic: false }, true, { heuristic: true });
      system(input, "sigstore", "fulcio", false, true);
    } else {
      const secrets = secretsIn(step.run, step.env.COSIGN_PRIVATE_KEY, step.env.COSIGN_KEY, step.env.COSIGN_PASSWORD);
      const kms = /^(awskms|gcpkms|azurekms|hashivault):\/\//.test(key);
      identity(input, "cosign-key", { id: key, symbolic: key.includes("$") }, false, { secrets: kms ? [] : secrets, heuristic: true });
      system(input, "sigstore", kms ? key.split("://")[0] ?? "kms" : "key", false, true);
    }
    return;
  }
};
