"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useId, useState, type FormEvent } from "react";
import type { Result } from "@/lib/http/errors";
import { apiWrite, orgApiPath, UNREACHABLE } from "@/components/api/client";
import type { OwnerOverrideDto } from "@/lib/inventory/credentials-dto";
import { Button } from "@/components/ui/button";
import { Alert } from "@/components/ui/alert";

type Target = { targetType: "repository" | "workflow"; repoId: string; workflowPath?: string };

/**
 * "Change owner" on one repository or workflow, for responders and admins. The owners API
 * runs the audited owner.override use-case; the page re-renders with the result.
 */
export function OwnerOverride({
  orgSlug,
  target,
  label,
  current,
  manual,
}: {
  orgSlug: string;
  target: Target;
  label: string;
  current: string | null;
  manual: boolean;
}) {
  const router = useRouter();
  const id = useId();
  const [open, setOpen] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const run = useMutation({
    mutationFn: (op: () => Promise<Result<OwnerOverrideDto>>) => op(),
    onSuccess: (r) => {
      if (!r.ok) return setError(r.error.message);
      setError(null);
      setOpen(false);
      router.refresh();
    },
    onError: () => setError(UNREACHABLE),
  });
  const onSubmit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const owner = String(new FormData(e.currentTarget).get("owner") ?? "");
    run.mutate(() => apiWrite<OwnerOverrideDto>("PUT", orgApiPath(orgSlug, "owners"), { ...target, owner }));
  };
  if (!open) {
    return (
      <button type="button" onClick={() => setOpen(true)} className="text-xs font-medium text-blue-800 underline" aria-label={`Change owner of ${label}`}>
        Change owner
      </button>
    );
  }
  return (
    <form onSubmit={onSubmit} aria-label={`Owner of ${label}`} className="mt-1 flex flex-wrap items-end gap-2 rounded-md border border-slate-200 bg-slate-50 p-2 text-xs">
      <label htmlFor={`${id}-owner`} className="sr-only">
        New owner of {label}
      </label>
      <input
        id={`${id}-owner`}
        name="owner"
        required
        autoFocus
        defaultValue={current ?? ""}
        placeholder="@org/team, @login or email"
        className="min-w-56 rounded-md border border-slate-300 bg-white px-2 py-1"
      />
      <Button type="submit" disabled={run.isPending} className="px-2 py-1 text-xs">
        Save owner
      </Button>
      {manual ? (
        <Button type="button" variant="secondary" disabled={run.isPending} className="px-2 py-1 text-xs" onClick={() => run.mutate(() => apiWrite<OwnerOverrideDto>("DELETE", orgApiPath(orgSlug, "owners"), target))}>
          Use the synced owner
        </Button>
      ) : null}
      <Button type="button" variant="secondary" className="px-2 py-1 text-xs" onClick={() => setOpen(false)}>
        Cancel
      </Button>
      {error ? (
        <div className="w-full">
          <Alert>{error}</Alert>
        </div>
      ) : null}
    </form>
  );
}
