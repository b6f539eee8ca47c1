import { LineHighlight } from "./line-highlight";

/** The workflow file with the lines of findings marked; each line is an anchor (#L12), highlighted when the URL names it. */
export function WorkflowSource({ source, marks }: { source: string; marks: Map<number, { severity: string; rule: string }[]> }) {
  const lines = source.split(/\r?\n/);
  return (
    <div tabIndex={0} role="region" aria-label="Workflow source (scrollable)" className="overflow-x-auto rounded-lg border border-slate-200 bg-white">
      <pre className="text-xs leading-5">
        {lines.map((text, i) => {
          const n = i + 1;
          const m = marks.get(n);
          return (
            <div
              key={n}
              id={`L${n}`}
              data-testid={m ? "marked-line" : undefined}
              data-line={n}
              className={`flex ${m ? (m.some((x) => x.severity === "critical" || x.severity === "high") ? "bg-red-50" : "bg-amber-50") : ""} target:bg-yellow-100 data-highlighted:bg-yellow-100`}
            >
              <span className="w-12 shrink-0 select-none pr-3 text-right text-slate-500">{n}</span>
              <code className="whitespace-pre pr-4">{text || " "}</code>
              {m ? <span className="ml-auto shrink-0 pr-3 text-[11px] font-semibold text-red-900">{m.map((x) => x.rule).join(", ")}</span> : null}
            </div>
          );
        })}
      </pre>
      <LineHighlight />
    </div>
  );
}
