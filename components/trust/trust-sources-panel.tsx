"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import type { Result } from "@/lib/http/errors";
import type { TrustSourceDto } from "@/lib/trust-sources/trust-sources-dto";
import { apiWrite, orgApiPath, UNREACHABLE } from "@/components/api/client";
import { Button } from "@/components/ui/button";
import { Alert } from "@/components/ui/alert";
import { readTime, SourceHeading } from "@/components/settings/source-heading";
import { fetchTrustSources, trustKeys } from "./queries";
import { PROVIDER_LABEL } from "./trust-labels";

type Provider = TrustSourceDto["provider"];
const input = "rounded-md border border-slate-300 bg-white px-2 py-1.5";

/** The non-secret settings and the secrets each provider's API connection takes. */
const API_FIELDS: Record<Provider, { settings: [string, string, string][]; secrets: [string, string][] }> = {
  aws: {
    settings: [["region", "Region", "eu-west-1"], ["roleArn", "Role to assume (optional)", "arn:aws:iam::123456789012:role/gatehouse-read"], ["endpoint", "IAM endpoint (optional)", "https://iam.amazonaws.com"]],
    secrets: [["accessKeyId", "Access key id"], ["secretAccessKey", "Secret access key"], ["sessionToken", "Session token (optional)"]],
  },
  gcp: { settings: [["projectId", "Project", "my-project"], ["endpoint", "IAM endpoint (optional)", "https://iam.googleapis.com"]], secrets: [["serviceAccountKey", "Service-account key (the JSON file's text)"]] },
  azure: {
    settings: [["tenantId", "Tenant id", ""], ["clientId", "Client id", ""], ["subscriptionId", "Subscription (optional)", ""]],
    secrets: [["clientSecret", "Client secret"]],
  },
  vault: { settings: [["address", "Address", "https://vault.example.com:8200"], ["mount", "JWT auth mount", "jwt"], ["namespace", "Namespace (optional)", ""]], secrets: [["token", "Token"]] },
};


async function fileOf(form: HTMLFormElement, name: string): Promise<{ name: string; content: string } | undefined> {
  const f = (form.elements.namedItem(name) as HTMLInputElement | null)?.files?.[0];
  return f ? { name: f.name, content: await f.text() } : undefined;
}

export function TrustSourcesPanel({ orgSlug }: { orgSlug: string }) {
  const qc = useQueryClient();
  const sources = useQuery({ queryKey: trustKeys.sources(orgSlug), queryFn: () => fetchTrustSources(orgSlug) });
  const [notice, setNotice] = useState<{ tone: "error" | "success"; text: string } | null>(null);
  const [provider, setProvider] = useState<Provider>("aws");
  const [kind, setKind] = useState<"upload" | "api">("upload");
  const [credentialsFrom, setCredentialsFrom] = useState<"stored" | "environment">("stored");
  const [responderFrom, setResponderFrom] = useState<"none" | "stored" | "environment">("none");

  const setWriteAccess = (s: TrustSourceDto, from: "none" | "environment") =>
    run.mutate(async () => {
      const r = await apiWrite<TrustSourceDto>("PUT", orgApiPath(orgSlug, "trust-sources", s.id, "responder-credentials"), { from });
      if (r.ok) setNotice({ tone: "success", text: from === "none" ? `${s.name}: write access removed; revocation hands out the commands.` : `${s.name}: write access from the server's responder variables.` });
      return r;
    });

  const run = useMutation({
    mutationFn: async (op: () => Promise<Result<unknown>>) => op(),
    onSuccess: async (result) => {
      if (!result.ok) setNotice({ tone: "error", text: result.error.message });
      await qc.invalidateQueries({ queryKey: ["org", orgSlug] });
    },
    onError: () => setNotice({ tone: "error", text: UNREACHABLE }),
  });

  const readNow = (s: TrustSourceDto, file?: { name: string; content: string }) =>
    run.mutate(async () => {
      const r = await apiWrite<{ status: "ok" | "failed"; message: string | null; trusts: number }>("POST", orgApiPath(orgSlug, "trust-sources", s.id, "read"), file ? { file } : {});
      if (r.ok) setNotice(r.data.status === "ok" ? { tone: "success", text: `${s.name}: read ${r.data.trusts} trust(s).` } : { tone: "error", text: `${s.name}: ${r.data.message}` });
      return r;
    });

  const onAdd = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = e.currentTarget;
    const data = new FormData(form);
    run.mutate(async () => {
      const name = String(data.get("name") ?? "");
      const body: Record<string, unknown> = { name, provider, kind };
      if (kind === "upload") body.file = await fileOf(form, "file");
      else {
        const fields = API_FIELDS[provider];
        body.settings = Object.fromEntries(fields.settings.map(([k]) => [k, String(data.get(k) ?? "").trim()]).filter(([, v]) => v !== ""));
        body.credentialsFrom = credentialsFrom;
        if (credentialsFrom === "stored") body.credentials = Object.fromEntries(fields.secrets.map(([k]) => [k, String(data.get(k) ?? "")]).filter(([, v]) => v !== ""));
        body.responderCredentialsFrom = responderFrom;
        if (responderFrom === "stored") body.responderCredentials = Object.fromEntries(fields.secrets.map(([k]) => [k, String(data.get(`responder-${k}`) ?? "")]).filter(([, v]) => v !== ""));
      }
      const r = await apiWrite<TrustSourceDto>("POST", orgApiPath(orgSlug, "trust-sources"), body);
      if (!r.ok) return r;
      form.reset();
      if (r.data.kind === "api") {
        const read = await apiWrite<{ status: string; message: string | null; trusts: number }>("POST", orgApiPath(orgSlug, "trust-sources", r.data.id, "read"), {});
        if (read.ok) setNotice(read.data.status === "ok" ? { tone: "success", text: `${name} added: read ${read.data.trusts} trust(s).` } : { tone: "error", text: `${name} added, but its first read failed: ${read.data.message}` });
        return read;
      }
      setNotice({ tone: "success", text: `${name} added: ${r.data.trusts} trust(s) read from ${r.data.fileName}. See them under Cloud trust.` });
      return r;
    });
  };

  return (
    <div className="space-y-6">
      {notice ? <Alert tone={notice.tone}>{notice.text}</Alert> : null}

      <section aria-label="Trust sources" className="rounded-lg border border-slate-200 bg-white">
        {sources.isError ? <div className="p-4"><Alert>Trust sources could not be loaded: {sources.error.message}</Alert></div> : null}
        {sources.data && sources.data.length === 0 ? <p className="p-4 text-sm text-slate-600">No trust source yet: add an export or an API connection below.</p> : null}
        <ul className="divide-y divide-slate-100">
          {sources.data?.map((s) => (
            <li key={s.id} className="flex flex-wrap items-start justify-between gap-4 p-4 text-sm" data-testid="trust-source" data-name={s.name}>
              <div className="min-w-64 flex-1">
                <SourceHeading name={s.name} kind={PROVIDER_LABEL[s.provider] ?? s.provider} status={s.status} responderFrom={s.responderCredentialsFrom} />
                <div className="mt-1 text-slate-600">
                  {s.kind === "upload" ? `Uploaded export ${s.fileName ?? ""}` : `API connection, credentials ${s.credentialsFrom === "environment" ? "from the server's environment" : "stored encrypted"}`}
                  {" · "}
                  {s.trusts} trust(s) · last read {readTime(s.lastReadAt)}
                </div>
                {s.kind === "api" && !s.readerInstalled ? <p className="mt-1 text-amber-800">This server has no {PROVIDER_LABEL[s.provider]} reader installed: syncs skip this source.</p> : null}
                {s.status === "failed" && s.statusMessage ? (
                  <p className="mt-1 text-red-800" data-testid="trust-source-error">
                    {s.statusMessage} {s.lastGoodReadAt ? `The trusts of the last good read (${readTime(s.lastGoodReadAt)}) are kept.` : ""}
                  </p>
                ) : null}
                {s.warnings.map((w) => (
                  <p key={w} className="mt-1 text-amber-800">{w}</p>
                ))}
              </div>
              <div className="flex flex-wrap items-center gap-2">
                {s.kind === "upload" ? (
                  <label className="text-xs text-slate-600">
                    <span className="sr-only">Replace the export of {s.name}</span>
                    <input
                      type="file"
                      accept="application/json,.json"
                      aria-label={`New export for ${s.name}`}
                      onChange={async (e) => {
                        const f = e.currentTarget.files?.[0];
                        if (f) readNow(s, { name: f.name, content: await f.text() });
                        e.currentTarget.value = "";
                      }}
                      className="max-w-52 text-xs"
                    />
                  </label>
                ) : null}
                <Button variant="secondary" disabled={run.isPending} onClick={() => readNow(s)}>
                  Read now
                </Button>
                {s.kind === "api" ? (
                  <Button variant="secondary" disabled={run.isPending} onClick={() => setWriteAccess(s, s.responderCredentialsFrom === "none" ? "environment" : "none")}>
                    {s.responderCredentialsFrom === "none" ? "Use the server's responder credentials" : "Remove write access"}
                  </Button>
                ) : null}
                <Button
                  variant="danger"
                  disabled={run.isPending}
                  onClick={() => {
                    if (!window.confirm(`Remove ${s.name} and its ${s.trusts} trust(s)?`)) return;
                    run.mutate(async () => {
                      const r = await apiWrite("DELETE", orgApiPath(orgSlug, "trust-sources", s.id));
                      if (r.ok) setNotice({ tone: "success", text: `${s.name} removed.` });
                      return r;
                    });
                  }}
                >
                  Remove
                </Button>
              </div>
            </li>
          ))}
        </ul>
      </section>

      <form onSubmit={onAdd} aria-label="Add a trust source" className="space-y-4 rounded-lg border border-slate-200 bg-white p-4 text-sm">
        <h2 className="font-semibold">Add a trust source</h2>
        <div className="flex flex-wrap gap-4">
          <label className="flex min-w-64 flex-col gap-1">
            <span className="font-medium">Name</span>
            <input name="name" required placeholder="AWS production account" className={input} />
          </label>
          <label className="flex flex-col gap-1">
            <span className="font-medium">Provider</span>
            <select value={provider} onChange={(e) => setProvider(e.target.value as Provider)} className={input}>
              {(Object.keys(API_FIELDS) as Provider[]).map((p) => (
                <option key={p} value={p}>{PROVIDER_LABEL[p]}</option>
              ))}
            </select>
          </label>
          <fieldset className="flex flex-col gap-1">
            <legend className="font-medium">From</legend>
            <div className="flex gap-3 py-1.5">
              <label className="flex items-center gap-1"><input type="radio" name="kind" checked={kind === "upload"} onChange={() => setKind("upload")} /> an exported file</label>
              <label className="flex items-center gap-1"><input type="radio" name="kind" checked={kind === "api"} onChange={() => setKind("api")} /> an API connection</label>
            </div>
          </fieldset>
        </div>
        {kind === "upload" ? (
          <div className="flex flex-col gap-1">
            <label className="flex flex-col gap-1">
              <span className="font-medium">Export (JSON, up to 16 MiB)</span>
              <input name="file" type="file" required accept="application/json,.json" aria-describedby="export-shapes" className="text-sm" />
            </label>
            <span id="export-shapes" className="text-xs text-slate-600">
              <code>aws iam get-account-authorization-details</code>, <code>gcloud iam workload-identity-pools providers list --format=json</code>,{" "}
              <code>az ad app federated-credential list</code> or <code>vault read -format=json auth/jwt/role/NAME</code>.
            </span>
          </div>
        ) : (
          <div className="space-y-3">
            <div className="flex flex-wrap gap-4">
              {API_FIELDS[provider].settings.map(([k, label, placeholder]) => (
                <label key={k} className="flex min-w-56 flex-col gap-1">
                  <span className="font-medium">{label}</span>
                  <input name={k} placeholder={placeholder} className={input} />
                </label>
              ))}
            </div>
            <label className="flex flex-col gap-1">
              <span className="font-medium">Credentials</span>
              <select value={credentialsFrom} onChange={(e) => setCredentialsFrom(e.target.value as "stored" | "environment")} className={`${input} max-w-md`}>
                <option value="stored">Enter them now (stored encrypted, never shown again)</option>
                <option value="environment">From the server&apos;s environment (the provider&apos;s standard variables)</option>
              </select>
            </label>
            {credentialsFrom === "stored" ? (
              <div className="flex flex-wrap gap-4">
                {API_FIELDS[provider].secrets.map(([k, label]) =>
                  k === "serviceAccountKey" ? (
                    <label key={k} className="flex min-w-96 flex-col gap-1">
                      <span className="font-medium">{label}</span>
                      <textarea name={k} rows={4} autoComplete="off" className={`${input} font-mono text-xs`} />
                    </label>
                  ) : (
                    <label key={k} className="flex min-w-56 flex-col gap-1">
                      <span className="font-medium">{label}</span>
                      <input name={k} type="password" autoComplete="off" className={input} />
                    </label>
                  ),
                )}
              </div>
            ) : null}
            <p className="text-xs text-slate-600">Read-only access is enough: Gatehouse lists the roles, providers, credentials or JWT roles and their trust conditions.</p>
            <label className="flex flex-col gap-1">
              <span className="font-medium">Write access for revoking trust in an incident (optional)</span>
              <select value={responderFrom} onChange={(e) => setResponderFrom(e.target.value as "none" | "stored" | "environment")} className={`${input} max-w-md`}>
                <option value="none">None: incidents hand out the exact commands</option>
                <option value="stored">Separate responder credentials: enter them now (stored encrypted, never shown again)</option>
                <option value="environment">From the server&apos;s responder variables (AWS_RESPONDER_ACCESS_KEY_ID…)</option>
              </select>
            </label>
            {responderFrom === "stored" ? (
              <div className="flex flex-wrap gap-4">
                {API_FIELDS[provider].secrets.map(([k, label]) => (
                  <label key={k} className="flex min-w-56 flex-col gap-1">
                    <span className="font-medium">Responder {label.charAt(0).toLowerCase() + label.slice(1)}</span>
                    {k === "serviceAccountKey" ? <textarea name={`responder-${k}`} rows={4} autoComplete="off" className={`${input} font-mono text-xs`} /> : <input name={`responder-${k}`} type="password" autoComplete="off" className={input} />}
                  </label>
                ))}
              </div>
            ) : null}
          </div>
        )}
        <Button type="submit" disabled={run.isPending}>
          {kind === "upload" ? "Upload and evaluate" : "Add and read"}
        </Button>
      </form>
    </div>
  );
}
