"use client";

import { useRouter } from "next/navigation";

export function OrgSwitcher({ current, orgs }: { current: string; orgs: { slug: string; name: string }[] }) {
  const router = useRouter();
  return (
    <label className="flex items-center gap-2 text-sm">
      <span className="sr-only">Organisation</span>
      <select
        className="rounded-md border border-slate-600 bg-slate-800 px-2 py-1 text-sm text-white"
        value={current}
        onChange={(e) => router.push(`/orgs/${e.target.value}`)}
        aria-label="Organisation"
      >
        {orgs.map((o) => (
          <option key={o.slug} value={o.slug}>
            {o.name} ({o.slug})
          </option>
        ))}
      </select>
    </label>
  );
}
