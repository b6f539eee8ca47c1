import "server-only";
import type { CloudCall, RevocationPlan, RevocationResult } from "../types";
import { ARM_API_VERSION, azureApi, azureError, type AzureApi, type AzureConnection } from "./client";
import { listAzureCredentials, parentCredentials, type AzureLocated, type AzureParent } from "./read";

// Revoking an Entra trust in an incident: delete the federated identity credential. The
// credential is kept as it was, so restore() creates it again (Graph: POST, a new id; ARM:
// PUT under the same name). Verification re-lists the parent's credentials.

interface AzurePrevious {
  parent: AzureParent;
  credential: { id: string; name: string; issuer: string; subject: string | null; audiences: string[]; description: string | null };
}

const q = (s: string): string => (/^[A-Za-z0-9._:/@-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);

function ficPath(p: AzureParent, key: string): string {
  return p.kind === "app"
    ? `/v1.0/applications/${encodeURIComponent(p.objectId)}/federatedIdentityCredentials/${encodeURIComponent(key)}`
    : `/subscriptions/${encodeURIComponent(p.subscriptionId)}/resourceGroups/${encodeURIComponent(p.resourceGroup)}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${encodeURIComponent(p.name)}/federatedIdentityCredentials/${encodeURIComponent(key)}?api-version=${ARM_API_VERSION}`;
}

function parentLabel(p: AzureParent): string {
  return p.kind === "app" ? `app registration ${p.displayName} (client id ${p.appId})` : `managed identity ${p.name} (client id ${p.clientId})`;
}

async function find(api: AzureApi, conn: AzureConnection, match: (l: AzureLocated) => boolean): Promise<AzureLocated | null> {
  return (await listAzureCredentials(api, conn, [])).find(match) ?? null;
}

/** Re-reads only the credential's parent (verification after a write). */
async function findUnder(api: AzureApi, conn: AzureConnection, parent: AzureParent, match: (l: AzureLocated) => boolean): Promise<AzureLocated | null> {
  try {
    return (await parentCredentials(api, parent, [])).find(match) ?? null;
  } catch (error) {
    throw azureError(error, `re-reading the federated credentials of ${parentLabel(parent)}`, conn);
  }
}

export async function planAzureRevocation(conn: AzureConnection, trustId: string): Promise<RevocationPlan> {
  const api = azureApi(conn);
  const found = await find(api, conn, (l) => l.trust.id === trustId);
  if (found === null) {
    return { provider: "azure", trustId, summary: `Federated credential ${trustId} no longer exists; nothing to delete.`, calls: [], previous: null, commands: [] };
  }
  const { trust, parent } = found;
  const previous: AzurePrevious = {
    parent,
    credential: { id: trust.id, name: trust.name, issuer: trust.issuer, subject: trust.subject, audiences: trust.audiences, description: typeof found.raw.description === "string" ? found.raw.description : null },
  };
  const call: CloudCall = { action: "DELETE", target: ficPath(parent, parent.kind === "app" ? trust.id : trust.name), body: null };
  const command =
    parent.kind === "app"
      ? `az ad app federated-credential delete --id ${parent.appId} --federated-credential-id ${trust.id}`
      : `az identity federated-credential delete --name ${q(trust.name)} --identity-name ${q(parent.name)} --resource-group ${q(parent.resourceGroup)} --subscription ${parent.subscriptionId} --yes`;
  return {
    provider: "azure",
    trustId,
    summary:
      `Deletes federated credential ${trust.name} of ${parentLabel(parent)}: Entra stops exchanging GitHub tokens${trust.subject !== null ? ` with subject ${trust.subject}` : ""} for its tokens. ` +
      `Access tokens it already issued stay valid until they expire (about an hour); the credential is kept and can be created again once the workflows are fixed.`,
    calls: [call],
    previous,
    commands: [command],
  };
}

async function run(api: AzureApi, conn: AzureConnection, calls: CloudCall[]): Promise<string[]> {
  const evidence: string[] = [];
  for (const call of calls) {
    const resource = call.target.startsWith("/v1.0/") ? "graph" : "arm";
    try {
      const { status } = await api.request(resource, call.action as "DELETE" | "POST" | "PUT", call.target, call.body ?? undefined);
      evidence.push(`${call.action} ${call.target} → ${status}`);
    } catch (error) {
      throw azureError(error, `${call.action} ${call.target}`, conn);
    }
  }
  return evidence;
}


export async function applyAzureRevocation(conn: AzureConnection, plan: RevocationPlan): Promise<RevocationResult> {
  const api = azureApi(conn);
  const evidence = await run(api, conn, plan.calls);
  const previous = plan.previous as AzurePrevious | null;
  const still = previous === null ? await find(api, conn, (l) => l.trust.id === plan.trustId) : await findUnder(api, conn, previous.parent, (l) => l.trust.id === plan.trustId || l.trust.name === previous.credential.name);
  return { plan, verified: still === null, evidence: [...evidence, still === null ? `re-read: no federated credential ${plan.trustId} any more` : `re-read: federated credential ${still.trust.name} still exists`] };
}

/** Creates the deleted credential again, as it was (Graph gives it a new id). */
export async function restoreAzureRevocation(conn: AzureConnection, revoked: RevocationPlan): Promise<RevocationResult> {
  const api = azureApi(conn);
  const previous = revoked.previous as AzurePrevious | null;
  if (previous === null) {
    return { plan: { ...revoked, summary: "Nothing was deleted; nothing to restore.", calls: [], commands: [] }, verified: true, evidence: [] };
  }
  const { parent, credential: c } = previous;
  const present = await findUnder(api, conn, parent, (l) => l.trust.name === c.name);
  const call: CloudCall =
    parent.kind === "app"
      ? { action: "POST", target: `/v1.0/applications/${encodeURIComponent(parent.objectId)}/federatedIdentityCredentials`, body: { name: c.name, issuer: c.issuer, subject: c.subject, audiences: c.audiences, description: c.description } }
      : { action: "PUT", target: ficPath(parent, c.name), body: { properties: { issuer: c.issuer, subject: c.subject, audiences: c.audiences } } };
  const command =
    parent.kind === "app"
      ? `az ad app federated-credential create --id ${parent.appId} --parameters ${q(JSON.stringify({ name: c.name, issuer: c.issuer, subject: c.subject, audiences: c.audiences, ...(c.description !== null ? { description: c.description } : {}) }))}`
      : `az identity federated-credential create --name ${q(c.name)} --identity-name ${q(parent.name)} --resource-group ${q(parent.resourceGroup)} --subscription ${parent.subscriptionId} --issuer ${q(c.issuer)} --subject ${q(c.subject ?? "")} --audiences ${q(c.audiences.join(" "))}`;
  const calls = present === null ? [call] : [];
  const plan: RevocationPlan = {
    provider: "azure",
    trustId: revoked.trustId,
    summary: present === null ? `Creates federated credential ${c.name} of ${parentLabel(parent)} again, as it was before the revocation.` : `Federated credential ${c.name} exists again already; nothing to create.`,
    calls,
    previous: null,
    commands: present === null ? [command] : [],
  };
  const evidence = await run(api, conn, calls);
  const back = await findUnder(api, conn, parent, (l) => l.trust.name === c.name && l.trust.issuer === c.issuer && l.trust.subject === c.subject);
  return { plan, verified: back !== null, evidence: [...evidence, back !== null ? `re-read: federated credential ${c.name} present (id ${back.trust.id})` : `re-read: federated credential ${c.name} missing`] };
}
