import { GITHUB_ISSUER, loadPolicy } from "@/lib/trust";
import type { Provider } from "@/lib/trust/types";
import type { TrustSourceRead } from "@/lib/cloud/types";
import { awsExportDetails } from "@/lib/cloud/aws/export-details";

// An uploaded export as a read: recognised by shape (lib/trust loadPolicy), with its errors
// naming the file and the field, and refused when it is another provider's. Pure.

const PROVIDER_LABEL: Record<Provider, string> = { aws: "AWS", gcp: "Google Cloud", azure: "Azure", vault: "Vault" };
const A: Record<Provider, string> = { aws: "an AWS", gcp: "a Google Cloud", azure: "an Azure", vault: "a Vault" };

export type UploadRead = { ok: true; read: TrustSourceRead } | { ok: false; message: string };

export function readUpload(provider: Provider, file: { name: string; content: string }, issuer = GITHUB_ISSUER): UploadRead {
  const loaded = loadPolicy({ path: file.name, content: file.content }, issuer);
  if (loaded.errors.length > 0) return { ok: false, message: loaded.errors.map((e) => `${e.path}: ${e.message}`).join("; ") };
  const other = loaded.trusts.find((t) => t.provider !== provider);
  if (other) {
    return { ok: false, message: `${file.name}: is ${A[other.provider]} export, but this source is ${PROVIDER_LABEL[provider]}: upload it to ${A[other.provider]} source.` };
  }
  const warnings = loaded.trusts.length === 0 ? [`${file.name}: no trust in it accepts GitHub Actions tokens (roles trusting other services are not shown).`] : [];
  // An AWS export carries the roles' policies: their permissions summary, as the API reader gives it.
  const details = provider === "aws" ? awsDetailsOf(file.content) : {};
  return { ok: true, read: { trusts: loaded.trusts, details, warnings } };
}

function awsDetailsOf(content: string): TrustSourceRead["details"] {
  try {
    return awsExportDetails(JSON.parse(content));
  } catch {
    return {}; // loadPolicy parsed it already; a file it read some other way has no details to give
  }
}
