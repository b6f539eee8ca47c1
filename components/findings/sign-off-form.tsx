"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useId, useState, type FormEvent } from "react";
import type { Result } from "@/lib/http/errors";
import type { SignedReviewDto } from "@/lib/findings/findings-dto";
import { apiWrite, orgApiPath, UNREACHABLE } from "@/components/api/client";
import { Button } from "@/components/ui/button";
import { Alert } from "@/components/ui/alert";

/** Sign off the review as it stands: the note says what was found or decided; the frozen review opens. */
export function SignOffForm({ orgSlug, since, chosenSince }: { orgSlug: string; since: string; chosenSince: boolean }) {
  const router = useRouter();
  const id = useId();
  const [error, setError] = useState<string | null>(null);
  const run = useMutation({
    mutationFn: (body: Record<string, unknown>) => apiWrite<SignedReviewDto>("POST", orgApiPath(orgSlug, "reviews"), body),
    onSuccess: (r: Result<SignedReviewDto>) => {
      if (!r.ok) return setError(r.error.message);
      router.push(`/orgs/${orgSlug}/review/${r.data.id}`);
    },
    onError: () => setError(UNREACHABLE),
  });
  const onSubmit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const note = String(new FormData(e.currentTarget).get("note") ?? "");
    run.mutate({ note, ...(chosenSince ? { since } : {}) });
  };
  return (
    <form onSubmit={onSubmit} aria-label="Sign off this review" className="space-y-2 rounded-lg border border-blue-200 bg-blue-50 p-4 text-sm">
      <h2 className="font-semibold">Sign off</h2>
      <p className="text-slate-700">Freezes these counts and lists as they are now; the next review starts from this moment.</p>
      <label htmlFor={`${id}-note`} className="block font-medium">
        Note
      </label>
      <textarea
        id={`${id}-note`}
        name="note"
        required
        minLength={3}
        rows={3}
        placeholder="What the review found or decided, e.g. “ops pins setup-node this week (OPS-88); NPM_TOKEN exception renewed to March.”"
        className="w-full rounded-md border border-slate-300 bg-white px-2 py-1.5"
      />
      <Button type="submit" disabled={run.isPending}>
        Sign off the review
      </Button>
      {error ? <Alert>{error}</Alert> : null}
    </form>
  );
}
