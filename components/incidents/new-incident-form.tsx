"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState, type FormEvent, type ReactNode } from "react";
import type { IncidentKind } from "@/lib/db/schema/incidents";
import { apiWrite, orgApiPath, UNREACHABLE } from "@/components/api/client";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { INCIDENT_KIND_LIST, KIND_LABELS, SEVERITY_LIST, TARGET_HINTS, utcInputToIso } from "./labels";

const input = "rounded-md border border-slate-300 bg-white px-2 py-1.5 aria-[invalid=true]:border-red-600";

function Field({ id, label, error, hint, children }: { id: string; label: string; error?: string; hint?: string; children: ReactNode }) {
  return (
    <div className="flex flex-col gap-1">
      <label htmlFor={id} className="font-medium">
        {label}
      </label>
      {children}
      {hint ? (
        <p id={`${id}-hint`} className="text-xs text-slate-600">
          {hint}
        </p>
      ) : null}
      {error ? (
        <p id={`${id}-error`} className="text-xs font-medium text-red-800">
          {error}
        </p>
      ) : null}
    </div>
  );
}

/**
 * Starts an incident: POST …/incidents through apiWrite, then opens it. Inputs are
 * uncontrolled, so an error (a field the API refused, a target the inventory does not know)
 * is shown beside the form with everything typed still there.
 */
export function NewIncidentForm({ orgSlug, me, kind: initialKind, target, cancelHref }: { orgSlug: string; me: string; kind: IncidentKind; target: string; cancelHref: string }) {
  const router = useRouter();
  const [kind, setKind] = useState<IncidentKind>(initialKind);
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<{ message: string; fields: Record<string, string> } | null>(null);

  const onSubmit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const data = new FormData(e.currentTarget);
    const str = (k: string) => String(data.get(k) ?? "").trim();
    const from = utcInputToIso(str("windowFrom"));
    const to = utcInputToIso(str("windowTo"));
    if (Boolean(from) !== Boolean(to)) {
      setError({ message: "Give both ends of the compromise window, or neither.", fields: { [from ? "window.to" : "window.from"]: "is required with the other end" } });
      return;
    }
    const body: Record<string, unknown> = { kind: str("kind"), target: str("target"), title: str("title"), severity: str("severity") };
    if (from && to) body.window = { from, to };
    if (str("commander")) body.commander = str("commander");
    setPending(true);
    setError(null);
    try {
      const r = await apiWrite<{ id: string; number: number }>("POST", orgApiPath(orgSlug, "incidents"), body);
      if (r.ok) {
        router.push(`/orgs/${orgSlug}/incidents/${r.data.id}`);
        router.refresh();
        return;
      }
      setError({ message: r.error.message, fields: r.error.fields ?? {} });
    } catch {
      setError({ message: UNREACHABLE, fields: {} });
    }
    setPending(false);
  };

  const f = error?.fields ?? {};
  const windowError = f["window.from"] ?? f["window.to"] ?? f.window;
  const described = (id: string, hint: boolean) => [hint ? `${id}-hint` : "", f[id.replace("new-", "")] ? `${id}-error` : ""].filter(Boolean).join(" ") || undefined;
  return (
    <form onSubmit={onSubmit} aria-labelledby="new-incident-heading" className="space-y-4 rounded-lg border border-slate-200 bg-white p-4 text-sm" noValidate>
      <h2 id="new-incident-heading" className="text-lg font-semibold">
        New incident
      </h2>
      {error ? <Alert>{error.message}</Alert> : null}
      <div className="grid gap-4 md:grid-cols-[14rem_1fr]">
        <Field id="new-kind" label="What is compromised" error={f.kind}>
          <select id="new-kind" name="kind" value={kind} onChange={(e) => setKind(e.target.value as IncidentKind)} className={input} aria-invalid={Boolean(f.kind)} aria-describedby={described("new-kind", false)}>
            {INCIDENT_KIND_LIST.map((k) => (
              <option key={k} value={k}>
                {KIND_LABELS[k]}
              </option>
            ))}
          </select>
        </Field>
        <Field id="new-target" label="Target" error={f.target} hint={`Give ${TARGET_HINTS[kind]}.`}>
          <input id="new-target" name="target" required defaultValue={target} className={`${input} font-mono`} aria-invalid={Boolean(f.target)} aria-describedby={described("new-target", true)} autoComplete="off" spellCheck={false} />
        </Field>
      </div>
      <fieldset className="rounded-md border border-slate-200 p-3">
        <legend className="px-1 font-medium">Compromise window, in UTC (optional)</legend>
        <p className="mb-2 text-xs text-slate-600">Runs of in-scope workflows inside the window mark what they could read as exposed. Times are UTC, not your local time.</p>
        <div className="flex flex-wrap gap-4">
          <Field id="new-window-from" label="From (UTC)">
            <input id="new-window-from" name="windowFrom" type="datetime-local" className={input} aria-invalid={Boolean(f["window.from"])} aria-describedby={windowError ? "new-window-error" : undefined} />
          </Field>
          <Field id="new-window-to" label="To (UTC)">
            <input id="new-window-to" name="windowTo" type="datetime-local" className={input} aria-invalid={Boolean(f["window.to"])} aria-describedby={windowError ? "new-window-error" : undefined} />
          </Field>
        </div>
        {windowError ? (
          <p id="new-window-error" className="mt-1 text-xs font-medium text-red-800">
            Window: {windowError}
          </p>
        ) : null}
      </fieldset>
      <Field id="new-title" label="Title" error={f.title}>
        <input id="new-title" name="title" required minLength={3} maxLength={200} className={input} placeholder="What happened, in a line" aria-invalid={Boolean(f.title)} aria-describedby={described("new-title", false)} />
      </Field>
      <div className="grid gap-4 md:grid-cols-[14rem_1fr]">
        <Field id="new-severity" label="Severity" error={f.severity}>
          <select id="new-severity" name="severity" defaultValue="high" className={input} aria-invalid={Boolean(f.severity)} aria-describedby={described("new-severity", false)}>
            {SEVERITY_LIST.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </Field>
        <Field id="new-commander" label="Commander (email)" error={f.commander} hint="Who leads the response; you, unless you hand it over.">
          <input id="new-commander" name="commander" type="email" defaultValue={me} className={input} aria-invalid={Boolean(f.commander)} aria-describedby={described("new-commander", true)} />
        </Field>
      </div>
      <div className="flex items-center gap-3">
        <Button type="submit" disabled={pending}>
          {pending ? "Starting… (freezing the scope)" : "Start incident"}
        </Button>
        <Link href={cancelHref} className="text-blue-800 underline">
          Cancel
        </Link>
      </div>
    </form>
  );
}
