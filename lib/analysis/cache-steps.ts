import { actionName, type StepModel, type StepValue } from "./steps";

// Steps that restore the repository's GitHub Actions cache — explicitly (actions/cache) or as a
// side effect of a setup action whose caching is on by default or by an input. Any workflow
// run of the repository, a pull request's included, can write cache entries that a later run
// on another ref restores: a release build that restores one runs what the writer put there.

export interface CacheUse {
  /** What restores the cache, in words: `actions/setup-node cache: npm`. */
  what: string;
  line: number;
  step: number;
  /** Release events on which a condition turns this cache off (`${{ !startsWith(github.ref, 'refs/tags/') }}`). */
  offOn: ReadonlySet<ReleaseEvent>;
}

export type ReleaseEvent = "tag-push" | "release";

type Toggle = "on" | "off" | "conditional";

const NONE: ReadonlySet<ReleaseEvent> = new Set();
const TAGS_AND_RELEASES: ReadonlySet<ReleaseEvent> = new Set(["tag-push", "release"]);
// On a release event github.ref is the tag (refs/tags/…) and github.ref_type is "tag".
const OFF_FOR_TAG_REFS = /!\s*startsWith\(\s*github\.ref\s*,\s*'refs\/tags\/?'\s*\)|github\.ref_type\s*!=\s*'tag'/;
const ON_FOR_BRANCH_ONLY = /^\s*github\.ref\s*==\s*'refs\/heads\/[^']*'\s*$/;
const OFF_FOR_TAG_PUSHES = /!\s*\(\s*github\.event_name\s*==\s*'push'\s*&&\s*github\.ref_type\s*==\s*'tag'\s*\)/;
const OFF_FOR_RELEASES = /github\.event_name\s*!=\s*'release'/;

/** Release events on which a condition or toggle expression is false. */
function offOn(v: StepValue | null | undefined): ReadonlySet<ReleaseEvent> {
  if (v === null || v === undefined || v.exprs.length !== 1) return NONE;
  const expr = v.exprs[0]?.expr ?? "";
  if (OFF_FOR_TAG_REFS.test(expr) || ON_FOR_BRANCH_ONLY.test(expr)) return TAGS_AND_RELEASES;
  if (OFF_FOR_TAG_PUSHES.test(expr)) return new Set(["tag-push"]);
  if (OFF_FOR_RELEASES.test(expr)) return new Set(["release"]);
  return NONE;
}

function toggle(v: StepValue | undefined, byDefault: boolean): Toggle {
  if (v === undefined) return byDefault ? "on" : "off";
  const t = v.text.trim().replace(/^["']|["']$/g, "").toLowerCase();
  if (t.includes("${{")) return "conditional";
  if (t === "" || t === "false" || t === "no" || t === "0" || t === "off") return "off";
  return "on";
}

/** An opt-out input: caching is on unless the input is truthy. */
function optOut(v: StepValue | undefined): Toggle {
  if (v === undefined) return "on";
  const t = toggle(v, false);
  return t === "on" ? "off" : t === "off" ? "on" : t;
}

/** Major version of a `@vN…` tag; null for a SHA, a branch or no ref. */
function major(uses: string): number | null {
  const m = /@v?(\d+)(?:\.|$)/.exec(uses);
  return m?.[1] !== undefined ? Number(m[1]) : null;
}

function described(name: string, input: string | null, v: StepValue | undefined): string {
  return input === null || v === undefined ? name : `${name} ${input}: ${v.text.trim()}`;
}

/** Whether and how a step restores the Actions cache. */
function cacheToggle(s: StepModel, name: string): { t: Toggle; what: string } | null {
  const w = s.with;
  const version = major(s.uses ?? "");
  switch (name) {
    case "actions/cache":
    case "swatinem/rust-cache":
      return { t: optOut(w["lookup-only"]), what: name };
    case "mozilla-actions/sccache-action":
      return { t: "on", what: name };
    case "actions/setup-java":
    case "actions/setup-python":
    case "graalvm/setup-graalvm":
      return { t: toggle(w.cache, false), what: described(name, "cache", w.cache) };
    case "actions/setup-dotnet":
    case "denoland/setup-deno":
      return { t: toggle(w.cache, false), what: described(name, "cache", w.cache) };
    case "actions/setup-go":
      // Caches by default from v4; earlier versions only when asked.
      return { t: toggle(w.cache, version === null || version >= 4), what: w.cache ? described(name, "cache", w.cache) : `${name} (caches by default from v4)` };
    case "actions/setup-node": {
      const explicit = toggle(w.cache, false);
      if (explicit !== "off") return { t: explicit, what: described(name, "cache", w.cache) };
      // From v5, npm caching is automatic when package.json names a package manager.
      const auto = toggle(w["package-manager-cache"], version !== null && version >= 5);
      return { t: auto, what: w["package-manager-cache"] ? described(name, "package-manager-cache", w["package-manager-cache"]) : `${name} (caches npm by default from v5)` };
    }
    case "ruby/setup-ruby":
      return { t: toggle(w["bundler-cache"], false), what: described(name, "bundler-cache", w["bundler-cache"]) };
    case "astral-sh/setup-uv": {
      // `enable-cache` defaults to `auto` (on for GitHub-hosted runners) before v10.
      const v = w["enable-cache"];
      const auto = v !== undefined && v.text.trim().toLowerCase() === "auto";
      const before10 = version === null || version < 10;
      return { t: auto ? (before10 ? "on" : "off") : toggle(v, before10), what: v ? described(name, "enable-cache", v) : `${name} (enable-cache on by default before v10)` };
    }
    case "ramsey/composer-install":
      return { t: optOut(w["ignore-cache"]), what: name };
    case "gradle/actions":
    case "gradle/gradle-build-action":
      return (s.uses ?? "").toLowerCase().includes("setup-gradle") || name === "gradle/gradle-build-action" ? { t: optOut(w["cache-disabled"]), what: "gradle/actions/setup-gradle" } : null;
    case "pyo3/maturin-action":
      return { t: toggle(w.sccache, false), what: described(name, "sccache", w.sccache) };
    case "mlugg/setup-zig":
      return { t: toggle(w["use-cache"], true), what: name };
    case "oven-sh/setup-bun":
      return { t: optOut(w["no-cache"]), what: name };
    case "determinatesystems/magic-nix-cache-action":
      return { t: toggle(w["use-gha-cache"], true), what: name };
    case "actions-rust-lang/setup-rust-toolchain":
    case "jdx/mise-action":
      return { t: toggle(w.cache, true), what: name };
    case "docker/build-push-action":
    case "docker/bake-action": {
      const from = w["cache-from"]?.text ?? "";
      return from.includes("type=gha") ? { t: "on", what: `${name} cache-from: type=gha` } : null;
    }
    default:
      return null;
  }
}

const INPUT_GUARD = /^\s*(?:\$\{\{\s*)?inputs\.([A-Za-z0-9_-]+)\s*==\s*'true'\s*(?:&&|\}\}|$)/;

/** A composite action's cache step guarded by `inputs.X == 'true'` that the workflow's step sets to false. */
function offByCaller(cond: string, caller: StepModel): boolean {
  const name = INPUT_GUARD.exec(cond)?.[1];
  return name !== undefined && caller.with[name]?.text.trim().toLowerCase() === "false";
}

const CACHE_INPUTS = ["cache", "enable-cache", "sccache", "bundler-cache", "package-manager-cache", "use-cache", "use-gha-cache"];

const memo = new WeakMap<StepModel[], CacheUse[]>();

/** Every step of a job that restores the Actions cache, in order (computed once per job's steps). */
export function cacheUses(steps: StepModel[]): CacheUse[] {
  const hit = memo.get(steps);
  if (hit !== undefined) return hit;
  const out = findCacheUses(steps);
  memo.set(steps, out);
  return out;
}

function findCacheUses(steps: StepModel[]): CacheUse[] {
  const out: CacheUse[] = [];
  for (const s of steps) {
    if (s.uses === null || /^actions\/cache\/save@/i.test(s.uses)) continue;
    const name = actionName(s.uses);
    if (name === null) continue;
    const hit = cacheToggle(s, name);
    if (hit === null || hit.t === "off") continue;
    const caller = s.origin === null ? undefined : steps.find((c) => c.index === s.index && c.origin === null);
    if (caller !== undefined && s.cond !== null && offByCaller(s.cond.text, caller)) continue;
    // A conditional toggle (the one `${{ }}` input of the step's cache inputs) or the step's `if:`.
    const toggles = hit.t === "conditional" ? CACHE_INPUTS.map((k) => offOn(s.with[k])).filter((o) => o.size > 0) : [];
    const off = new Set<ReleaseEvent>([...offOn(s.cond), ...(toggles[0] ?? [])]);
    // A step inside a local composite action is reported on the workflow's step that runs it.
    const line = s.origin === null ? s.line : (steps.find((c) => c.index === s.index && c.origin === null)?.line ?? s.line);
    out.push({ what: s.origin === null ? hit.what : `${hit.what} in ${s.origin}`, line, step: s.index, offOn: off });
  }
  return out;
}
