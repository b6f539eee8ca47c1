"use client";

import { useState, type FormEvent } from "react";
import type { ChecklistItemDto } from "@/lib/incidents/incident-dto";
import type { ItemStatus } from "@/lib/db/schema/incidents";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { ItemAction } from "./action-controls";
import { CopyButton } from "./copy-button";
import { useIncident } from "./incident-context";
import { ITEM_STATUS_LABELS, ITEM_STATUS_TONE, SETTABLE_STATUSES, utc } from "./labels";
import { SecretValueForm } from "./secret-value-form";

const field = "rounded-md border border-slate-300 bg-white px-2 py-1";

/** A rotation is only as good as its verification: "done" without a sync that saw it stays visibly unverified. */
export function ItemStatusBadge({ item }: { item: ChecklistItemDto }) {
  if (item.kind === "rotate-secret" && item.status === "done") return <Badge tone="amber">Done, unverified</Badge>;
  if (item.status === "verified") return <Badge tone="green">✓ Verified</Badge>;
  return <Badge tone={ITEM_STATUS_TONE[item.status]}>{ITEM_STATUS_LABELS[item.status]}</Badge>;
}

function Entries({ title, entries }: { title: string; entries: ChecklistItemDto["notes"] }) {
  if (entries.length === 0) return null;
  return (
    <div>
      <h5 className="text-xs font-semibold uppercase tracking-wide text-slate-600">{title}</h5>
      <ul className="mt-1 space-y-1.5">
        {entries.map((e, i) => (
          <li key={`${e.at}-${i}`} className="rounded border-l-2 border-slate-300 pl-2">
            <p className="whitespace-pre-wrap break-words">{e.text}</p>
            <p className="text-xs text-slate-600">
              {e.by} · {utc(e.at)}
            </p>
          </li>
        ))}
      </ul>
    </div>
  );
}

const REASON_LABEL: Partial<Record<ItemStatus, string>> = { skipped: "Why is it skipped?", failed: "What failed?" };

export function ChecklistItem({ item }: { item: ChecklistItemDto }) {
  const { editable, canOverride, me, write } = useIncident();
  // null: show the server's status (polled); a choice: the person is about to change it.
  const [choice, setChoice] = useState<ItemStatus | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);
  const status = choice ?? item.status;
  const restoreOverride = item.kind === "restore-workflow" && status === "done" && canOverride;
  const reasonLabel = REASON_LABEL[status] ?? (restoreOverride ? "Override reason (admins only; needed when a sync does not yet show the cause gone)" : null);
  const base = `item-${item.id}`;

  const patch = async (body: Record<string, unknown>): Promise<boolean> => {
    setPending(true);
    setError(null);
    const r = await write<unknown>("PATCH", ["items", item.id], body);
    setPending(false);
    if (!r.ok) setError(r.message);
    return r.ok;
  };
  const onStatus = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const reason = String(new FormData(e.currentTarget).get("reason") ?? "").trim();
    if ((status === "skipped" || status === "failed") && !reason) {
      setError(`Say why the item is ${status}.`);
      return;
    }
    if (await patch({ status, ...(reason ? { reason } : {}) })) setChoice(null);
  };
  const onAssign = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const submitter = (e.nativeEvent as SubmitEvent).submitter as HTMLButtonElement | null;
    const typed = String(new FormData(e.currentTarget).get("assignee") ?? "").trim();
    await patch({ assignee: submitter?.value === "me" ? me : typed || null });
  };
  const onAdd = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = e.currentTarget;
    const kind = ((e.nativeEvent as SubmitEvent).submitter as HTMLButtonElement | null)?.value === "evidence" ? "evidence" : "note";
    const text = String(new FormData(form).get("text") ?? "").trim();
    if (!text) {
      setError(`Write the ${kind} first.`);
      return;
    }
    if (await patch({ [kind]: text })) form.reset();
  };

  const isSecret = item.kind === "rotate-secret" && !item.scopeKey?.startsWith("secret:secret-all:");
  return (
    <li className={`rounded-md border p-3 text-sm ${item.exposed ? "border-red-300" : "border-slate-200"} bg-white`} data-testid="checklist-item" data-item-kind={item.kind} data-status={item.status} aria-labelledby={`${base}-label`}>
      <div className="flex flex-wrap items-start justify-between gap-2">
        <h4 id={`${base}-label`} className="flex flex-wrap items-center gap-2 font-medium">
          {item.exposed ? <Badge tone="red">exposed</Badge> : null}
          <span className="break-all">{item.label}</span>
        </h4>
        <ItemStatusBadge item={item} />
      </div>
      <p className="mt-1 text-xs text-slate-600">
        Owner: {item.owner ?? "unknown"} · Assignee: {item.assignee ?? "nobody"}
        {item.updatedBy ? ` · last change by ${item.updatedBy}, ${utc(item.updatedAt)}` : ""}
      </p>
      {item.statusReason ? (
        <p className="mt-1 text-xs">
          <span className="font-medium">{item.status === "failed" ? "Error" : "Reason"}:</span> {item.statusReason}
        </p>
      ) : null}
      {item.detail ? <p className="mt-2 whitespace-pre-line text-slate-800">{item.detail}</p> : null}
      {item.command ? (
        <div className="mt-2">
          <div className="flex items-center justify-between gap-2">
            <span className="text-xs font-medium text-slate-600">By hand</span>
            <CopyButton text={item.command} name={item.label} />
          </div>
          <pre className="mt-1 overflow-x-auto whitespace-pre-wrap break-all rounded bg-slate-900 p-2 font-mono text-xs text-slate-100" tabIndex={0} aria-label={`Command for ${item.label}`}>
            {item.command}
          </pre>
        </div>
      ) : null}

      {editable ? (
        <div className="mt-3 space-y-3 border-t border-slate-100 pt-3">
          <div className="flex flex-wrap items-end gap-4">
            <form onSubmit={onStatus} className="flex flex-wrap items-end gap-2" aria-label={`Status of ${item.label}`}>
              <label className="flex flex-col gap-1">
                <span className="text-xs font-medium">Status</span>
                <select value={status} onChange={(e) => setChoice(e.target.value as ItemStatus)} className={field} name="status">
                  {item.status === "verified" ? (
                    <option value="verified" disabled>
                      Verified (by Gatehouse)
                    </option>
                  ) : null}
                  {SETTABLE_STATUSES.map((s) => (
                    <option key={s} value={s}>
                      {ITEM_STATUS_LABELS[s]}
                    </option>
                  ))}
                </select>
              </label>
              {reasonLabel ? (
                <label className="flex min-w-64 flex-col gap-1">
                  <span className="text-xs font-medium">{reasonLabel}</span>
                  <input name="reason" className={field} defaultValue={item.status === status ? (item.statusReason ?? "") : ""} />
                </label>
              ) : null}
              <Button type="submit" variant="secondary" disabled={pending || (choice === null && !reasonLabel)}>
                Save status
              </Button>
            </form>
            <form onSubmit={onAssign} className="flex flex-wrap items-end gap-2" aria-label={`Assignee of ${item.label}`}>
              <label className="flex flex-col gap-1">
                <span className="text-xs font-medium">Assignee</span>
                <input key={item.assignee ?? ""} name="assignee" type="email" defaultValue={item.assignee ?? ""} placeholder="name@example.com" className={field} />
              </label>
              <Button type="submit" variant="secondary" disabled={pending}>
                Assign
              </Button>
              {item.assignee !== me ? (
                <Button type="submit" variant="secondary" value="me" disabled={pending}>
                  Assign to me
                </Button>
              ) : null}
            </form>
            {item.kind === "disable-workflow" ? <ItemAction action="disable-workflows" itemId={item.id} label="Disable" name={item.label} /> : null}
            {item.kind === "restore-workflow" ? <ItemAction action="enable-workflows" itemId={item.id} label="Re-enable" name={item.label} /> : null}
          </div>
          {error ? <Alert>{error}</Alert> : null}
          {isSecret && item.status !== "verified" ? <SecretValueForm itemId={item.id} secretLabel={item.label.replace(/^Rotate /, "")} /> : null}
        </div>
      ) : null}

      {item.notes.length > 0 || item.evidence.length > 0 ? (
        <div className="mt-3 grid gap-3 md:grid-cols-2">
          <Entries title={`Evidence (${item.evidence.length})`} entries={item.evidence} />
          <Entries title={`Notes (${item.notes.length})`} entries={item.notes} />
        </div>
      ) : null}

      {editable ? (
        <details className="mt-3">
          <summary className="cursor-pointer text-blue-800 underline">Add note or evidence</summary>
        <form onSubmit={onAdd} className="mt-2 flex flex-col gap-2" aria-label={`Add a note or evidence to ${item.label}`}>
          <label htmlFor={`${base}-text`} className="text-xs font-medium">
            Note or evidence
          </label>
          <textarea id={`${base}-text`} name="text" rows={2} className={`${field} w-full`} placeholder="What you did, what answered (a command's output, a ticket link)" />
          <div className="flex gap-2">
            <Button type="submit" variant="secondary" value="note" disabled={pending}>
              Add note
            </Button>
            <Button type="submit" variant="secondary" value="evidence" disabled={pending}>
              Add evidence
            </Button>
          </div>
        </form>
        </details>
      ) : null}
    </li>
  );
}
