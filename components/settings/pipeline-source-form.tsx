"use client";

import { useState, type FormEvent } from "react";
import type { Result } from "@/lib/http/errors";
import type { PipelineReadOutcomeDto, PipelineSourceDto } from "@/lib/pipeline-sources/pipeline-sources-dto";
import { apiWrite, orgApiPath } from "@/components/api/client";
import { Button } from "@/components/ui/button";

// Adding a Buildkite organization or a cluster: its settings, where the read credentials come
// from (entered now and stored encrypted, or the server's environment) and, optionally, write
// access for containment. The source is read right after it is added.

export type Notice = { tone: "error" | "success"; text: string } | null;
type Kind = PipelineSourceDto["kind"];
type From = "stored" | "environment";
type ResponderFrom = "none" | From;

const input = "rounded-md border border-slate-300 bg-white px-2 py-1.5";
const text = (data: FormData, name: string) => String(data.get(name) ?? "").trim();
const compact = (o: Record<string, unknown>) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== "" && v !== undefined && !(Array.isArray(v) && v.length === 0)));

/** Stored credentials from the form: a Buildkite token; a cluster's kubeconfig text or bearer token. */
function credentialsFrom(data: FormData, prefix: string): Record<string, string> {
  return compact({ token: text(data, `${prefix}token`), kubeconfig: String(data.get(`${prefix}kubeconfig`) ?? "") }) as Record<string, string>;
}

function Field({ name, label, placeholder, secret, hint }: { name: string; label: string; placeholder?: string; secret?: boolean; hint?: string }) {
  return (
    <label className="flex min-w-56 flex-col gap-1">
      <span className="font-medium">{label}</span>
      <input name={name} type={secret ? "password" : "text"} autoComplete="off" placeholder={placeholder} className={input} />
      {hint ? <span className="text-xs text-slate-600">{hint}</span> : null}
    </label>
  );
}

function SecretFields({ kind, prefix, who }: { kind: Kind; prefix: string; who: string }) {
  if (kind === "buildkite") return <Field name={`${prefix}token`} label={`${who}API access token`} secret />;
  return (
    <div className="flex flex-wrap gap-4">
      <label className="flex min-w-96 flex-1 flex-col gap-1">
        <span className="font-medium">{who}kubeconfig (the file&apos;s text, inline credentials)</span>
        <textarea name={`${prefix}kubeconfig`} rows={5} autoComplete="off" className={`${input} font-mono text-xs`} placeholder="kubectl config view --minify --flatten" />
      </label>
      <Field name={`${prefix}token`} label={`or ${who.toLowerCase()}bearer token (with the server below)`} secret />
    </div>
  );
}

export function AddPipelineSourceForm({ orgSlug, pending, submit, setNotice }: { orgSlug: string; pending: boolean; submit: (op: () => Promise<Result<unknown>>) => void; setNotice: (n: Notice) => void }) {
  const [kind, setKind] = useState<Kind>("buildkite");
  const [from, setFrom] = useState<From>("stored");
  const [responderFrom, setResponderFrom] = useState<ResponderFrom>("none");

  const onSubmit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = e.currentTarget;
    const data = new FormData(form);
    submit(async () => {
      const name = text(data, "name");
      const settings =
        kind === "buildkite"
          ? compact({ orgSlug: text(data, "orgSlug"), apiUrl: text(data, "apiUrl") })
          : compact({ server: text(data, "server"), caData: text(data, "caData"), context: text(data, "context"), namespaces: text(data, "namespaces").split(/[\s,]+/).filter(Boolean) });
      const body: Record<string, unknown> = { name, kind, settings, credentialsFrom: from, responderCredentialsFrom: responderFrom };
      if (from === "stored") body.credentials = credentialsFrom(data, "");
      if (responderFrom === "stored") body.responderCredentials = credentialsFrom(data, "responder-");
      const r = await apiWrite<PipelineSourceDto>("POST", orgApiPath(orgSlug, "pipeline-sources"), body);
      if (!r.ok) return r;
      form.reset();
      const read = await apiWrite<PipelineReadOutcomeDto>("POST", orgApiPath(orgSlug, "pipeline-sources", r.data.id, "read"));
      if (read.ok) setNotice(read.data.status === "ok" ? { tone: "success", text: `${name} added and read.` } : { tone: "error", text: `${name} added, but its first read failed: ${read.data.message}` });
      return read;
    });
  };

  return (
    <form onSubmit={onSubmit} aria-label="Add a pipeline source" className="space-y-4 rounded-lg border border-slate-200 bg-white p-4 text-sm">
      <h2 className="font-semibold">Add a pipeline source</h2>
      <div className="flex flex-wrap gap-4">
        <label className="flex min-w-64 flex-col gap-1">
          <span className="font-medium">Name</span>
          <input name="name" required placeholder={kind === "buildkite" ? "Buildkite: acme" : "Cluster: prod"} className={input} />
        </label>
        <label className="flex flex-col gap-1">
          <span className="font-medium">System</span>
          <select value={kind} onChange={(e) => setKind(e.target.value as Kind)} className={input}>
            <option value="buildkite">A Buildkite organization</option>
            <option value="kubernetes">A Kubernetes cluster running Tekton</option>
          </select>
        </label>
      </div>
      {kind === "buildkite" ? (
        <div className="flex flex-wrap gap-4">
          <Field name="orgSlug" label="Organization slug" placeholder="acme" hint="The part after buildkite.com/ in its URL." />
          {from === "stored" ? <Field name="apiUrl" label="API URL (optional)" placeholder="https://api.buildkite.com" /> : null}
        </div>
      ) : (
        <div className="flex flex-wrap gap-4">
          {from === "stored" ? <Field name="server" label="API server (with a bearer token)" placeholder="https://10.0.0.1:6443" /> : null}
          {from === "stored" ? <Field name="caData" label="CA certificate, base64 (optional)" /> : null}
          <Field name="context" label="Context (optional)" placeholder="the kubeconfig's current context" />
          <Field name="namespaces" label="Namespaces (optional)" placeholder="tekton-ci, acme-ci" hint="Empty: every namespace the reader may list." />
        </div>
      )}
      <label className="flex flex-col gap-1">
        <span className="font-medium">Credentials</span>
        <select value={from} onChange={(e) => setFrom(e.target.value as From)} className={`${input} max-w-md`}>
          <option value="stored">Enter them now (stored encrypted, never shown again)</option>
          <option value="environment">{kind === "buildkite" ? "From the server's environment (BUILDKITE_API_TOKEN)" : "From the server's environment (KUBECONFIG, or the pod's own account)"}</option>
        </select>
      </label>
      {from === "stored" ? <SecretFields kind={kind} prefix="" who="" /> : <p className="text-xs text-slate-600">The server&apos;s credentials go only to the server&apos;s own endpoint ({kind === "buildkite" ? "BUILDKITE_API_URL" : "the KUBECONFIG's cluster"}), so the source names none.</p>}
      <label className="flex flex-col gap-1">
        <span className="font-medium">Write access for containing a pipeline in an incident (optional)</span>
        <select value={responderFrom} onChange={(e) => setResponderFrom(e.target.value as ResponderFrom)} className={`${input} max-w-md`}>
          <option value="none">None: incidents show the exact commands to run</option>
          <option value="stored">Separate responder credentials: enter them now (stored encrypted)</option>
          <option value="environment">{kind === "buildkite" ? "From the server's BUILDKITE_RESPONDER_TOKEN" : "From the server's KUBE_RESPONDER_KUBECONFIG"}</option>
        </select>
      </label>
      {responderFrom === "stored" ? <SecretFields kind={kind} prefix="responder-" who="Responder " /> : null}
      <Button type="submit" disabled={pending}>
        Add and read
      </Button>
    </form>
  );
}
