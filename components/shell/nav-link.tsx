"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";

export function NavLink({ href, exact = false, activePrefix, children }: { href: string; exact?: boolean; activePrefix?: string; children: string }) {
  const pathname = usePathname();
  const prefix = activePrefix ?? href;
  const active = exact ? pathname === href : pathname === prefix || pathname.startsWith(`${prefix}/`);
  return (
    <Link
      href={href}
      aria-current={active ? "page" : undefined}
      className={`rounded-md px-3 py-1.5 text-sm font-medium ${active ? "bg-slate-700 text-white" : "text-slate-300 hover:bg-slate-800 hover:text-white"}`}
    >
      {children}
    </Link>
  );
}
