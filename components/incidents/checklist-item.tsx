"use client";

import { useState, type FormEvent } from "react";
import type { ChecklistItemDto } from "@/lib/incidents/incident-dto";
import type { ItemStatus } from "@/lib/db/schema/incidents";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { ActionPanel, useItemAction } from "./action-controls";
import type { IncidentAction } from "./actions-contract";
import { CopyButton } from "./copy-button";
import { useIncident } from "./incident-context";
import { ITEM_STATUS_LABELS, ITEM_STATUS_TONE, SETTABLE_STATUSES, utc } from "./labels";
import { SecretValueForm } from "./secret-value-form";
import { PipelineContain } from "./pipeline-contain";

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

/** An item's detail, line by line; a line that is only a github.com address is a link (a release's page). */
function Detail({ text }: { text: string }) {
  return (
    <p className="mt-1 whitespace-pre-line text-slate-700">
      {text.split("\n").map((line, i) => (
        <span key={i}>
          {i > 0 ? "\n" : ""}
          {/^https:\/\/github\.com\/\S+$/.test(line) ? (
            <a href={line} className="break-all text-blue-800 underline" rel="noreferrer">
              {line}
            </a>
          ) : (
            line
          )}
        </span>
      ))}
    </p>
  );
}

const REASON_LABEL: Partial<Record<ItemStatus, string>> = { skipped: "Why is it skipped?", failed: "What failed?" };
/** Item kinds whose "done" needs evidence (the API refuses it without). */
const EVIDENCE_TO_FINISH = new Set(["rebuild-release"]);

/** The one GitHub action an item offers by itself (the step's bulk actions cover the rest). */
const ITEM_ACTIONS: Partial<Record<string, { action: IncidentAction; label: string }>> = {
  "disable-workflow": { action: "disable-workflows", label: "Disable" },
  "restore-workflow": { action: "enable-workflows", label: "Re-enable" },
};

/** `target`: the label of the scope entry the item acts on (a workflow), which names its action button. */
export function ChecklistItem({ item, fromDrift, target }: { item: ChecklistItemDto; fromDrift: boolean; target?: string }) {
  const { editable, canOverride, me, write } = useIncident();
  const itemAction = ITEM_ACTIONS[item.kind];
  const act = useItemAction(itemAction?.action ?? "disable-workflows", item.id);
  // null: show the server's status (polled); a choice: the person is about to change it.
  const [choice, setChoice] = useState<ItemStatus | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);
  const status = choice ?? item.status;
  const restoreOverride = item.kind === "restore-workflow" && status === "done" && canOverride;
  const reasonLabel = REASON_LABEL[status] ?? (restoreOverride ? "Override reason (admins only; needed when a sync does not yet show the cause gone)" : null);
  // Done by hand outside Gatehouse (a release rebuilt): "done" comes with its evidence.
  const needsEvidence = EVIDENCE_TO_FINISH.has(item.kind) && status === "done" && item.status !== "done" && item.evidence.length === 0;
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
    const form = new FormData(e.currentTarget);
    const reason = String(form.get("reason") ?? "").trim();
    const evidence = String(form.get("evidence") ?? "").trim();
    if ((status === "skipped" || status === "failed") && !reason) {
      setError(`Say why the item is ${status}.`);
      return;
    }
    if (needsEvidence && !evidence) {
      setError("Add the evidence that it is done: the new release's link and the run that built it.");
      return;
    }
    if (await patch({ status, ...(reason ? { reason } : {}), ...(evidence ? { evidence } : {}) })) setChoice(null);
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
    <li className={`rounded-md border bg-white p-3 text-sm ${item.exposed ? "border-red-300" : "border-slate-200"}`} data-testid="checklist-item" data-item-kind={item.kind} data-status={item.status}>
      <div className="flex flex-wrap items-start justify-between gap-2">
        <h4 className="flex flex-wrap items-center gap-2 font-medium">
          {item.exposed ? <Badge tone="red">exposed</Badge> : null}
          <span className="break-all">{item.label}</span>
          {fromDrift ? <Badge tone="amber">added from drift</Badge> : null}
        </h4>
        <div className="flex flex-wrap items-start gap-2">
          {editable && itemAction && (act.available || act.phase.at !== "idle") ? (
            <Button variant="secondary" className="py-0.5" onClick={act.go} disabled={act.phase.at === "running"} aria-label={`${itemAction.label} ${target ?? item.label}`}>
              {act.phase.at === "running" ? `${itemAction.label}…` : itemAction.label}
            </Button>
          ) : null}
          <ItemStatusBadge item={item} />
        </div>
      </div>
      <p className="mt-0.5 text-xs text-slate-600">
        Owner: {item.owner ?? "unknown"} · Assignee: {item.assignee ?? "nobody"}
        {item.updatedBy ? ` · last change by ${item.updatedBy}, ${utc(item.updatedAt)}` : ""}
      </p>
      {item.statusReason ? (
        <p className="mt-1 text-xs">
          <span className="font-medium">{item.status === "failed" ? "Error" : "Reason"}:</span> {item.statusReason}
        </p>
      ) : null}
      {item.detail ? <Detail text={item.detail} /> : null}

      {editable ? (
        <div className="mt-2 flex flex-wrap items-center gap-x-4 gap-y-2">
          <form onSubmit={onStatus} className="flex flex-wrap items-center gap-2">
            <label htmlFor={`${base}-status`} className="text-xs font-medium">
              Status
            </label>
            <select id={`${base}-status`} value={status} onChange={(e) => setChoice(e.target.value as ItemStatus)} className={field} name="status">
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
            {reasonLabel ? (
              <>
                <label htmlFor={`${base}-reason`} className="text-xs font-medium">
                  {reasonLabel}
                </label>
                <input id={`${base}-reason`} name="reason" className={`${field} min-w-56`} defaultValue={item.status === status ? (item.statusReason ?? "") : ""} />
              </>
            ) : null}
            {needsEvidence ? (
              <>
                <label htmlFor={`${base}-evidence`} className="text-xs font-medium">
                  Evidence (the new release, the run that built it)
                </label>
                <input id={`${base}-evidence`} name="evidence" required className={`${field} min-w-72`} />
              </>
            ) : null}
            <Button type="submit" variant="secondary" className="py-1" disabled={pending || (choice === null && !reasonLabel)}>
              Save status
            </Button>
          </form>
          <form onSubmit={onAssign} className="flex flex-wrap items-center gap-2">
            <label htmlFor={`${base}-assignee`} className="text-xs font-medium">
              Assignee
            </label>
            <input id={`${base}-assignee`} key={item.assignee ?? ""} name="assignee" type="email" defaultValue={item.assignee ?? ""} placeholder="name@example.com" className={`${field} w-48`} />
            <Button type="submit" variant="secondary" className="py-1" disabled={pending}>
              Assign
            </Button>
            {item.assignee !== me ? (
              <Button type="submit" variant="secondary" className="py-1" value="me" disabled={pending}>
                Assign to me
              </Button>
            ) : null}
          </form>
        </div>
      ) : null}
      {itemAction ? <ActionPanel action={itemAction.action} phase={act.phase} n={1} /> : null}
      {editable && item.kind === "contain-pipeline" ? <PipelineContain item={item} /> : null}
      {error ? (
        <div className="mt-2">
          <Alert>{error}</Alert>
        </div>
      ) : null}

      {item.notes.length > 0 || item.evidence.length > 0 ? (
        <div className="mt-2 grid gap-3 md:grid-cols-2">
          <Entries title={`Evidence (${item.evidence.length})`} entries={item.evidence} />
          <Entries title={`Notes (${item.notes.length})`} entries={item.notes} />
        </div>
      ) : null}

      <div className="mt-2 flex flex-col gap-2">
        {item.command ? (
          <details>
            <summary className="cursor-pointer text-blue-800 underline">Command to run by hand</summary>
            <div className="mt-1 flex items-start gap-2">
              <pre className="flex-1 whitespace-pre-wrap break-all rounded bg-slate-900 p-2 font-mono text-xs text-slate-100">{item.command}</pre>
              <CopyButton text={item.command} name={item.label} />
            </div>
          </details>
        ) : null}
        {editable && isSecret && item.status !== "verified" ? <SecretValueForm itemId={item.id} secretLabel={item.label.replace(/^Rotate /, "")} /> : null}
        {editable ? (
          <details>
            <summary className="cursor-pointer text-blue-800 underline">Add note or evidence</summary>
            <form onSubmit={onAdd} className="mt-1 flex flex-col gap-2">
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
      </div>
    </li>
  );
}
