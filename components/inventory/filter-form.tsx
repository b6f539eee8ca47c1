"use client";

import { useRouter } from "next/navigation";
import type { FormEvent, ReactNode } from "react";

/**
 * A GET form whose state goes to the URL, so a view can be pasted. With scripts it leaves
 * empty fields out of the URL (`?q=NPM_TOKEN`, not `?q=NPM_TOKEN&scope=&flag=`); without
 * them the browser submits it as a plain GET and the page ignores the empty fields.
 */
export function CleanGetForm({ action, label, className, children }: { action: string; label: string; className: string; children: ReactNode }) {
  const router = useRouter();
  const onSubmit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const sp = new URLSearchParams();
    for (const [k, v] of new FormData(e.currentTarget)) if (typeof v === "string" && v.trim() !== "") sp.set(k, v.trim());
    const qs = sp.toString();
    router.push(qs ? `${action}?${qs}` : action);
  };
  return (
    <form method="get" action={action} role="search" aria-label={label} className={className} onSubmit={onSubmit}>
      {children}
    </form>
  );
}
