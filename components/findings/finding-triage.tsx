"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useId, useState, type FormEvent } from "react";
import type { Result } from "@/lib/http/errors";
import { apiWrite, orgApiPath, UNREACHABLE } from "@/components/api/client";
import { Button } from "@/components/ui/button";
import { Alert } from "@/components/ui/alert";

export interface TriageTarget {
  id: string;
  label: string;
  rule: string;
  repo: string;
  triageState: "open" | "acknowledged";
  assignee: string | null;
  owner: string | null;
  exceptionId: string | null;
}

const inDays = (d: number) => new Date(Date.now() + d * 86_400_000).toISOString().slice(0, 10);

/**
 * A finding's actions: acknowledge (with an assignee, the owner by default) or reopen, with a
 * note — responders; accept it with an exception (this finding, or the rule in its repository)
 * or revoke the exception — admins. Each is one API call through the one door; the page re-renders.
 */
export function FindingTriage({ orgSlug, finding, canGrant }: { orgSlug: string; finding: TriageTarget; canGrant: boolean }) {
  const router = useRouter();
  const id = useId();
  const [form, setForm] = useState<null | "triage" | "exception">(null);
  const [error, setError] = useState<string | null>(null);
  const run = useMutation({
    mutationFn: (op: () => Promise<Result<unknown>>) => op(),
    onSuccess: (r) => {
      if (!r.ok) return setError(r.error.message);
      setError(null);
      setForm(null);
      router.refresh();
    },
    onError: () => setError(UNREACHABLE),
  });
  const acknowledged = finding.triageState === "acknowledged";
  const onTriage = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const data = new FormData(e.currentTarget);
    const note = String(data.get("note") ?? "").trim();
    run.mutate(() =>
      apiWrite("PATCH", orgApiPath(orgSlug, "findings", finding.id), {
        state: acknowledged ? "open" : "acknowledged",
        assignee: String(data.get("assignee") ?? "").trim() || null,
        ...(note ? { note } : {}),
      }),
    );
  };
  const onException = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const data = new FormData(e.currentTarget);
    const scope = data.get("scope") === "rule_repo" ? { rule: finding.rule, repo: finding.repo } : { findingId: finding.id };
    run.mutate(() => apiWrite("POST", orgApiPath(orgSlug, "exceptions"), { scope, reason: String(data.get("reason") ?? ""), expiresAt: String(data.get("expiresAt") ?? "") }));
  };
  const link = "text-xs font-medium text-blue-800 underline";
  return (
    <div className="mt-1 text-xs">
      <div className="flex flex-wrap gap-3">
        <button type="button" className={link} onClick={() => setForm(form === "triage" ? null : "triage")} aria-label={`${acknowledged ? "Reopen" : "Acknowledge"} ${finding.label}`}>
          {acknowledged ? "Reopen" : "Acknowledge"}
        </button>
        {canGrant && !finding.exceptionId ? (
          <button type="button" className={link} onClick={() => setForm(form === "exception" ? null : "exception")} aria-label={`Accept with exception: ${finding.label}`}>
            Accept with exception
          </button>
        ) : null}
        {canGrant && finding.exceptionId ? (
          <button
            type="button"
            className={link}
            disabled={run.isPending}
            onClick={() => run.mutate(() => apiWrite("DELETE", orgApiPath(orgSlug, "exceptions", finding.exceptionId!), {}))}
            aria-label={`Revoke exception: ${finding.label}`}
          >
            Revoke exception
          </button>
        ) : null}
      </div>
      {form === "triage" ? (
        <form onSubmit={onTriage} aria-label={`Triage ${finding.label}`} className="mt-1 flex flex-wrap items-end gap-2 rounded-md border border-slate-200 bg-slate-50 p-2">
          <label className="flex flex-col gap-0.5" htmlFor={`${id}-assignee`}>
            Assignee
            <input id={`${id}-assignee`} name="assignee" defaultValue={finding.assignee ?? finding.owner ?? ""} placeholder="member email or @org/team" className="min-w-56 rounded-md border border-slate-300 bg-white px-2 py-1" />
          </label>
          <label className="flex flex-1 flex-col gap-0.5" htmlFor={`${id}-note`}>
            Note (optional)
            <input id={`${id}-note`} name="note" className="min-w-56 rounded-md border border-slate-300 bg-white px-2 py-1" />
          </label>
          <Button type="submit" disabled={run.isPending} className="px-2 py-1 text-xs">
            {acknowledged ? "Reopen" : "Acknowledge"}
          </Button>
        </form>
      ) : null}
      {form === "exception" ? (
        <form onSubmit={onException} aria-label={`Exception for ${finding.label}`} className="mt-1 flex flex-wrap items-end gap-2 rounded-md border border-amber-200 bg-amber-50 p-2">
          <label className="flex flex-col gap-0.5" htmlFor={`${id}-scope`}>
            Covers
            <select id={`${id}-scope`} name="scope" className="rounded-md border border-slate-300 bg-white px-2 py-1">
              <option value="finding">this finding</option>
              <option value="rule_repo">
                {finding.rule} in {finding.repo}
              </option>
            </select>
          </label>
          <label className="flex flex-1 flex-col gap-0.5" htmlFor={`${id}-reason`}>
            Reason (at least 10 characters)
            <input id={`${id}-reason`} name="reason" required minLength={10} className="min-w-64 rounded-md border border-slate-300 bg-white px-2 py-1" />
          </label>
          <label className="flex flex-col gap-0.5" htmlFor={`${id}-expires`}>
            Expires (at most a year)
            <input id={`${id}-expires`} name="expiresAt" type="date" required defaultValue={inDays(90)} min={inDays(1)} max={inDays(365)} className="rounded-md border border-slate-300 bg-white px-2 py-1" />
          </label>
          <Button type="submit" disabled={run.isPending} className="px-2 py-1 text-xs">
            Grant exception
          </Button>
        </form>
      ) : null}
      {error ? (
        <div className="mt-1">
          <Alert>{error}</Alert>
        </div>
      ) : null}
    </div>
  );
}
