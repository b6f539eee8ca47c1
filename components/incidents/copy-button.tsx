"use client";

import { useState } from "react";
import { Button } from "@/components/ui/button";

/** Copies a command to the clipboard and says so (politely, for screen readers too). */
export function CopyButton({ text, name }: { text: string; name: string }) {
  const [said, setSaid] = useState<string | null>(null);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
      setSaid("Copied");
    } catch {
      setSaid("Copy failed: select the text and copy it");
    }
  };
  return (
    <span className="flex items-center gap-2">
      <span role="status" className="text-xs text-slate-600">
        {said}
      </span>
      <Button type="button" variant="secondary" className="px-2 py-0.5 text-xs" onClick={copy} aria-label={`Copy the command for ${name}`}>
        Copy
      </Button>
    </span>
  );
}
