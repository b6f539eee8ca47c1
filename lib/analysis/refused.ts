import type { CachedFile } from "./cache";
import { toFinding } from "./rules/support";

/** A file that is not analysed: an error, and a `parse-error` finding on its first line. */
export function refused(message: string): CachedFile {
  return {
    facts: null,
    findings: [toFinding("", "", { rule: "parse-error", line: 1, job: null, message })],
    error: { root: "", path: "", message },
  };
}
