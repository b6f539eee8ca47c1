"use client";

import { Background, Controls, ReactFlow, type Edge, type Node } from "@xyflow/react";
import "@xyflow/react/dist/style.css";

export interface GraphInput {
  columns: { title: string; nodes: { id: string; label: string }[] }[];
  edges: { from: string; to: string; label?: string; dash?: "dashed" | "dotted" }[];
}

const DASH = { dashed: "6 4", dotted: "2 3" } as const;
/** Beyond this many labelled edges, labels would pile up between two columns: the edges' dash (explained beside the graph) says it instead. */
const MAX_LABELS = 6;

const COLUMN_WIDTH = 300;
const ROW_HEIGHT = 56;
/** Longer labels are shortened in the middle (an ARN's or project path's end says the most) so a node never outgrows its row: two lines of a 240 px node. */
const MAX_LABEL = 60;

function shorten(label: string): string {
  if (label.length <= MAX_LABEL) return label;
  const tail = 34;
  return `${label.slice(0, MAX_LABEL - tail - 1)}…${label.slice(-tail)}`;
}

/** workflow → credential → system → owner (or workflow → cloud role → account → permissions), one column each, drawn with React Flow. */
export function BlastGraph({
  graph,
  label = "Blast radius graph",
  testId = "blast-graph",
  columnWidth = COLUMN_WIDTH,
}: {
  graph: GraphInput;
  label?: string;
  testId?: string;
  /** Wider when edges carry labels, so a label sits between its nodes rather than over them. */
  columnWidth?: number;
}) {
  const nodes: Node[] = graph.columns.flatMap((col, x) =>
    col.nodes.map((n, y) => ({
      id: n.id,
      position: { x: x * columnWidth, y: y * ROW_HEIGHT },
      data: {
        label: (
          <span title={n.label} style={{ overflowWrap: "anywhere" }}>
            {shorten(n.label)}
          </span>
        ),
      },
      sourcePosition: "right" as Node["sourcePosition"],
      targetPosition: "left" as Node["targetPosition"],
      style: { width: 240, fontSize: 11, padding: 6 },
      connectable: false,
    })),
  );
  const ids = new Set(nodes.map((n) => n.id));
  const drawn = graph.edges.filter((e) => ids.has(e.from) && ids.has(e.to));
  const showLabels = drawn.filter((e) => e.label).length <= MAX_LABELS;
  const edges: Edge[] = drawn.map((e) => ({
    id: `${e.from}->${e.to}`,
    source: e.from,
    target: e.to,
    ...(e.dash ? { style: { strokeDasharray: DASH[e.dash] } } : {}),
    ...(e.label && showLabels ? { label: e.label, labelStyle: { fontSize: 10 }, labelBgStyle: { fillOpacity: 0.85 } } : {}),
  }));
  const rows = Math.max(1, ...graph.columns.map((c) => c.nodes.length));
  return (
    <div className="rounded-lg border border-slate-200 bg-white" style={{ height: Math.min(640, 120 + rows * ROW_HEIGHT) }} data-testid={testId}>
      <div className="flex text-xs font-semibold uppercase tracking-wide text-slate-600">
        {graph.columns.map((c) => (
          <div key={c.title} className="px-3 pt-2" style={{ width: columnWidth }}>
            {c.title}
          </div>
        ))}
      </div>
      <ReactFlow nodes={nodes} edges={edges} fitView nodesDraggable={false} nodesConnectable={false} proOptions={{ hideAttribution: true }} aria-label={label}>
        <Background />
        <Controls showInteractive={false} />
      </ReactFlow>
    </div>
  );
}
