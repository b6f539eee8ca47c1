import type { CachedFile } from "../cache";
import type { ParseLimits } from "../parse";
import { refused } from "../refused";

/** PLACEHOLDER (seam-base branch only; the helper replaces it): a screened Tekton file → its model and findings. */
export function analyzeTekton(_text: string, _limits: ParseLimits): CachedFile {
  return refused("Tekton files are not analysed yet");
}
