import { describe, expect, it } from "vitest";
import { fileKindOf } from "../ci-system";
import { analyzeBuildkite } from "./index";
import { scanCommands } from "./commands";
import { buildSources, pullRequestGate } from "./conditions";
import { parsePluginRef } from "./plugin-ref";
import { TextLines } from "./text";

// Commands, conditions, plugin references and file heads come from repositories Gatehouse reads:
// every scan of them must be linear (lib/analysis/README.md "Linear on hostile text"). Each is
// fed 1 MB of the words its patterns look for and must finish in well under a second.

const MB = 1024 * 1024;
const BOUND_MS = 1000;

const WORDS = [
  "buildkite-agent secret get ", "buildkite-agent oidc request-token ", "--audience ", "--lifetime=", "--claim ",
  "aws sts assume-role-with-web-identity --role-arn ", "buildkite-agent pipeline upload ", "| buildkite-agent pipeline upload <<EOF ",
  "| buildkite-agent pipeline upload ", "$", "$$", "$BUILDKITE_BRANCH", "${BUILDKITE_MESSAGE}", "\\$", "${", "$A_TOKEN ", "A_TOKEN=",
  "export ", "read -r ", "\"", "'", "\\\n", " ", "\t", "\n", "<<", "<", "(", "!(", "!", "build.pull_request.id != null ",
  "build.pull_request.labels includes ", "build.pull_request.", "build.pull_request.base_branch ", "build.source == 'ui' ",
  "- label: ", "steps:\n", "  - ", "#", "a", "#v1.", "https://github.com/", "-buildkite-plugin",
];

function repeated(word: string): string {
  return word.repeat(Math.ceil(MB / word.length)).slice(0, MB);
}

describe("Buildkite scans on hostile text", () => {
  it.each(WORDS)("stays linear on 1 MB of %j", (word) => {
    const text = repeated(word);
    const started = performance.now();
    scanCommands(new TextLines([{ text, line: 1, block: true }]));
    pullRequestGate(text);
    buildSources(text);
    parsePluginRef(text);
    fileKindOf("ci/pipeline.yml", text);
    fileKindOf(".buildkite/pipeline.yml", text);
    expect(performance.now() - started).toBeLessThan(BOUND_MS);
  });

  it.each(["buildkite-agent oidc request-token --audience x ", "$BUILDKITE_MESSAGE $$X_TOKEN ", "buildkite-agent pipeline upload <<E\n"])(
    "analyses a step whose command is 900 KB of %j in bounded time",
    (word) => {
      const body = word.repeat(Math.ceil(900_000 / word.length)).slice(0, 900_000);
      const yaml = `steps:\n  - command: |\n${body.split("\n").map((l) => `      ${l}`).join("\n")}\n`;
      const started = performance.now();
      const r = analyzeBuildkite(yaml, { maxBytes: 2 * MB, maxNodes: 200_000 });
      expect(r.error).toBeNull();
      expect(performance.now() - started).toBeLessThan(BOUND_MS);
    },
  );
});
