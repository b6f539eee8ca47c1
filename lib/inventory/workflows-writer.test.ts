import { describe, expect, it } from "vitest";
import { detectRenames } from "./workflows-writer";

describe("detectRenames (a vanished path whose content appeared at one new path moved there)", () => {
  it("pairs a vanished path with the one new path holding the same blob", () => {
    expect(detectRenames([{ id: "w1", blobOid: "a" }, { id: "w2", blobOid: "b" }], [{ path: "new.yml", blobOid: "a" }, { path: "other.yml", blobOid: "c" }])).toEqual(new Map([["w1", "new.yml"]]));
  });

  it("claims nothing when the pairing is not one to one, or the blob is unknown", () => {
    // One file copied to two new paths.
    expect(detectRenames([{ id: "w1", blobOid: "a" }], [{ path: "x.yml", blobOid: "a" }, { path: "y.yml", blobOid: "a" }]).size).toBe(0);
    // Two identical files gone, one new.
    expect(detectRenames([{ id: "w1", blobOid: "a" }, { id: "w2", blobOid: "a" }], [{ path: "x.yml", blobOid: "a" }]).size).toBe(0);
    expect(detectRenames([{ id: "w1", blobOid: null }], [{ path: "x.yml", blobOid: null }]).size).toBe(0);
    // Edited and moved: another blob.
    expect(detectRenames([{ id: "w1", blobOid: "a" }], [{ path: "x.yml", blobOid: "b" }]).size).toBe(0);
  });
});
