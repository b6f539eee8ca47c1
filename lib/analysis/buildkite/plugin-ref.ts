// A Buildkite plugin reference (`docker#v5.1.0`, `org/name#<sha>`, `https://host/x.git#ref`,
// `./local/plugin`, `$VARIABLE`) and how firmly it fixes the code the agent runs.

export type PluginPin =
  /** `#<40-hex>`: one commit, the only reference nobody can move. */
  | "sha"
  /** `#v1.2.3` (or `#1.2`): a tag — fixed unless the plugin's owner moves it. */
  | "version"
  /** No `#ref`, or a branch: whatever the plugin repository's branch holds at each build. */
  | "floating"
  /** A path in the checkout: the repository's own code at the built commit. */
  | "local"
  /** Read by the agent stack itself, never fetched (agent-stack-k8s's `kubernetes`). */
  | "builtin"
  /** `$VAR`: set where the pipeline is uploaded; unknown here. */
  | "variable";

export interface PluginRef {
  ref: string;
  /** `owner/name` for GitHub-hosted plugins (`buildkite-plugins/docker` for `docker`), else the location. */
  key: string;
  version: string | null;
  pin: PluginPin;
}

const SHA = /^[0-9a-f]{40}$/i;
const VERSION = /^v?\d{1,9}(\.\d{1,9}){0,3}([-+][0-9A-Za-z.+-]{0,64})?$/;
const GITHUB_PREFIX = /^(https?:\/\/|ssh:\/\/git@|git@)github\.com[:/]/i;
/** Plugins agent-stack-k8s's controller reads from the step itself rather than fetching. */
const BUILTIN = new Set(["kubernetes"]);

export function parsePluginRef(ref: string): PluginRef {
  const trimmed = ref.trim();
  if (trimmed.startsWith("$")) return { ref, key: trimmed, version: null, pin: "variable" };
  const hash = trimmed.indexOf("#");
  const location = hash < 0 ? trimmed : trimmed.slice(0, hash);
  const version = hash < 0 ? null : trimmed.slice(hash + 1);
  if (/^(\.{1,2}\/|\/|file:\/\/)/.test(location)) return { ref, key: location, version, pin: "local" };
  let key = location.replace(GITHUB_PREFIX, "").replace(/\.git$/i, "").toLowerCase();
  if (!key.includes("/") && !key.includes(":")) key = `buildkite-plugins/${key}`;
  key = key.replace(/-buildkite-plugin$/, "");
  if (version === null && BUILTIN.has(location)) return { ref, key, version, pin: "builtin" };
  const pin: PluginPin = version === null ? "floating" : SHA.test(version) ? "sha" : VERSION.test(version) ? "version" : "floating";
  return { ref, key, version, pin };
}

/** `pinned` in the JSON contract: a commit SHA, or code that is the repository's own. */
export function isPinnedPlugin(p: PluginRef): boolean {
  return p.pin === "sha" || p.pin === "local" || p.pin === "builtin";
}
