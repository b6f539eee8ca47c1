"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";

export function SettingsTab({ href, children }: { href: string; children: string }) {
  const active = usePathname().startsWith(href);
  return (
    <Link
      href={href}
      aria-current={active ? "page" : undefined}
      className={`-mb-px border-b-2 px-3 py-2 text-sm font-medium ${active ? "border-blue-800 text-blue-900" : "border-transparent text-slate-600 hover:text-slate-900"}`}
    >
      {children}
    </Link>
  );
}
