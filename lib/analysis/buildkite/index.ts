import type { CachedFile } from "../cache";
import type { ParseLimits } from "../parse";
import { refused } from "../refused";

/** PLACEHOLDER (seam-base branch only; the helper replaces it): a screened Buildkite file → its model and findings. */
export function analyzeBuildkite(_text: string, _limits: ParseLimits): CachedFile {
  return refused("Buildkite files are not analysed yet");
}
