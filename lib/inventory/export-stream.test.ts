import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { exportEncoder, type InventoryLine } from "./export-format";
import { acquireExportSlot, exportsRunning, exportStream, MAX_EXPORTS_PER_ORG } from "./export-stream";

const page = (n: number): InventoryLine[] => [{ workflow: `acme/r${n}/.github/workflows/ci.yml`, system: "github-actions", credentials: [], systems: [], owner: "o" }];

/** A source of `count` pages that counts how many were asked for, and whether it was closed. */
function source(count: number, failAfter?: number) {
  const seen = { pulled: 0, closed: false };
  async function* pages() {
    try {
      for (let i = 0; i < count; i++) {
        if (failAfter !== undefined && i === failAfter) throw new Error("the database went away");
        seen.pulled++;
        yield page(i);
      }
    } finally {
      seen.closed = true;
    }
  }
  return { seen, pages: pages() };
}

function slot(orgId: string) {
  const release = acquireExportSlot(orgId);
  if (!release) throw new Error("no slot");
  return release;
}

describe("export slots", () => {
  it(`allow ${MAX_EXPORTS_PER_ORG} exports per organisation at once, each organisation its own`, () => {
    const org = randomUUID();
    const first = slot(org);
    slot(org);
    expect(acquireExportSlot(org)).toBeNull();
    expect(acquireExportSlot(randomUUID())).not.toBeNull();
    first();
    first();
    expect(exportsRunning(org)).toBe(1);
    expect(acquireExportSlot(org)).not.toBeNull();
  });
});

describe("the export stream", () => {
  it("reads a page only when the client has taken the previous one", async () => {
    const org = randomUUID();
    const { seen, pages } = source(100);
    const reader = exportStream(pages, exportEncoder("csv", "t"), slot(org), "r").getReader();
    await reader.read(); // the header
    expect(seen.pulled).toBe(0);
    await reader.read();
    await reader.read();
    expect(seen.pulled).toBe(2);
    await reader.cancel();
  });

  it("gives the slot back and closes the source when it completes", async () => {
    const org = randomUUID();
    const { seen, pages } = source(3);
    const text = await new Response(exportStream(pages, exportEncoder("json", "t"), slot(org), "r")).text();
    expect(JSON.parse(text).lines).toHaveLength(3);
    expect(exportsRunning(org)).toBe(0);
    expect(seen.closed).toBe(true);
  });

  it("an error mid-stream fails the download (never a file that looks complete) and gives the slot back", async () => {
    const org = randomUUID();
    const { pages } = source(5, 2);
    const reader = exportStream(pages, exportEncoder("csv", "t"), slot(org), "r").getReader();
    const chunks: string[] = [];
    const failure = await (async () => {
      for (;;) {
        const r = await reader.read();
        if (r.done) return null;
        chunks.push(new TextDecoder().decode(r.value));
      }
    })().catch((err: unknown) => err);
    expect(failure).toMatchObject({ message: "the database went away" });
    expect(chunks).toHaveLength(3); // header + two pages, then the failure
    expect(exportsRunning(org)).toBe(0);
  });

  it("a client that goes away gives the slot back and stops the reads", async () => {
    const org = randomUUID();
    const { seen, pages } = source(100);
    const reader = exportStream(pages, exportEncoder("md", "t"), slot(org), "r").getReader();
    await reader.read();
    await reader.read();
    expect(exportsRunning(org)).toBe(1);
    await reader.cancel();
    expect(exportsRunning(org)).toBe(0);
    expect(seen.closed).toBe(true);
    expect(seen.pulled).toBe(1);
  });
});
