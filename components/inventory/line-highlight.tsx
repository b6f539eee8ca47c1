"use client";

import { useEffect } from "react";

const LINE = /^#L(\d+)$/;

/**
 * Marks the source line named by the URL's hash (#L12) with `data-highlighted`. CSS `:target`
 * alone is not enough: a client-side navigation (next/link to /workflows/{id}#L12, from the
 * secrets and systems pages) changes the URL with history.pushState, which never updates
 * `:target`. Runs on mount, on hashchange and on back/forward.
 */
export function LineHighlight() {
  useEffect(() => {
    let current: Element | null = null;
    const apply = () => {
      const m = LINE.exec(window.location.hash);
      const next = m ? document.getElementById(`L${m[1]}`) : null;
      if (next === current) return;
      current?.removeAttribute("data-highlighted");
      next?.setAttribute("data-highlighted", "true");
      current = next;
    };
    apply();
    // The router may update the URL just after this page's effects: look once more.
    const frame = requestAnimationFrame(apply);
    window.addEventListener("hashchange", apply);
    window.addEventListener("popstate", apply);
    return () => {
      cancelAnimationFrame(frame);
      window.removeEventListener("hashchange", apply);
      window.removeEventListener("popstate", apply);
      current?.removeAttribute("data-highlighted");
    };
  }, []);
  return null;
}
