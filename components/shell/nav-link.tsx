"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";

/** A main-navigation link; `count` adds a badge (read as "<n> open", e.g. open incidents). */
export function NavLink({ href, exact = false, activePrefix, count, children }: { href: string; exact?: boolean; activePrefix?: string; count?: number; children: string }) {
  const pathname = usePathname();
  const prefix = activePrefix ?? href;
  const active = exact ? pathname === href : pathname === prefix || pathname.startsWith(`${prefix}/`);
  return (
    <Link
      href={href}
      aria-current={active ? "page" : undefined}
      className={`inline-flex items-center gap-1.5 rounded-md px-3 py-1.5 text-sm font-medium ${active ? "bg-slate-700 text-white" : "text-slate-300 hover:bg-slate-800 hover:text-white"}`}
    >
      {children}
      {count ? (
        <span className="rounded-full bg-red-700 px-1.5 text-xs font-semibold leading-5 text-white" data-testid="nav-count">
          {count}
          <span className="sr-only"> open</span>
        </span>
      ) : null}
    </Link>
  );
}
