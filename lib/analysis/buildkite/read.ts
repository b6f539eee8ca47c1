import { isMap, isScalar, isSeq, type Node, type Scalar } from "yaml";
import { entriesOf, getIn, itemsOf, scalarText, YamlTooLarge, type YamlDoc } from "../yaml-docs";
import { TextLines } from "./text";
import type { EnvEntry, Located, Pipeline, PluginUse, RawStep, SecretKey, StepKind } from "./steps";

// A Buildkite pipeline file read into a flat list of steps: groups flattened (each step keeps
// its own key and records the group's label), waits dropped, and the pipeline-level `env`,
// `agents` and `secrets` applied to every command step, as `buildkite-agent pipeline upload`
// does. Nothing here judges; credentials and rules come later (credentials.ts, rules.ts).

interface Scope {
  root: Node;
  env: EnvEntry[];
  /** Literal top-level env values: `pipeline upload` interpolates them into the rest of the file. */
  vars: Map<string, string>;
  agents: Array<[string, string]>;
  secrets: SecretKey[];
}

interface GroupInfo {
  label: string | null;
  condition: Located | null;
}

/** Command text read from a file may not exceed this many times the file (aliases repeat text). */
const TEXT_FACTOR = 4;
/** Buildkite accepts 500 steps per uploaded file; a file that expands (aliases) to more than this is refused. */
const MAX_STEPS = 2_000;

/** Thrown when aliases expand a file past MAX_STEPS; the file is refused. */
export class TooManySteps extends Error {
  constructor() {
    super(`the file expands to more than ${MAX_STEPS} steps (Buildkite accepts 500 per upload); refused`);
  }
}
const WHOLE_VAR = /^\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?$/;

class Reader {
  readonly steps: RawStep[] = [];
  readonly warnings: string[] = [];
  private textLeft: number;

  constructor(
    private readonly doc: YamlDoc,
    private readonly scope: Scope,
    sourceLength: number,
    /** Steps earlier documents of the file read. */
    private readonly offset: number,
  ) {
    this.textLeft = TEXT_FACTOR * sourceLength + 65_536;
  }

  private text(node: unknown): string | null {
    return scalarText(this.doc, node);
  }

  private line(node: unknown, fallback: number): number {
    return this.doc.lineOf(this.doc.deref(node), fallback);
  }

  /** A whole `$VAR` / `${VAR}` of the top-level env is replaced by its value, as upload does. */
  private resolve(text: string): string {
    const m = WHOLE_VAR.exec(text.trim());
    return m?.[1] !== undefined ? (this.scope.vars.get(m[1]) ?? text) : text;
  }

  private take(text: string): string {
    this.textLeft -= text.length;
    if (this.textLeft < 0) throw new YamlTooLarge();
    return text;
  }

  readSteps(list: Node, group: GroupInfo | null): void {
    for (const item of itemsOf(this.doc, list)) this.readStep(item, group);
  }

  private readStep(item: Node, group: GroupInfo | null): void {
    const line = this.line(item, 1);
    if (isScalar(item)) {
      const word = this.text(item) ?? "";
      if (word === "wait" || word === "waiter" || word === "") return;
      if (word === "block" || word === "input" || word === "manual") this.push(word === "input" ? "input" : "block", null, line, group, { label: null });
      else this.push("command", null, line, group, { commands: this.commandText(item) });
      return;
    }
    if (!isMap(item)) {
      this.warnings.push(`step at line ${line} is neither a mapping nor a string; it was not read`);
      return;
    }
    const type = this.text(getIn(this.doc, item, "type"));
    const has = (key: string): boolean => getIn(this.doc, item, key) !== undefined || this.hasNullKey(item, key);
    if (getIn(this.doc, item, "steps") !== undefined && (has("group") || type === "group")) {
      this.readGroup(item, group);
      return;
    }
    if (type === "wait" || type === "waiter" || has("wait") || has("waiter")) return;
    for (const kind of ["block", "input", "trigger"] as const) {
      if (type !== kind && !has(kind)) continue;
      const value = getIn(this.doc, item, kind);
      // Nested form: `- block: { block: …, key: … }` carries the attributes inside.
      const nested = isMap(value);
      const attrs = nested ? value : item;
      const named = this.text(getIn(this.doc, attrs, "label")) ?? this.text(getIn(this.doc, attrs, "name"));
      const own = nested ? this.text(getIn(this.doc, value, kind)) : this.text(value);
      this.push(kind, attrs, line, group, {
        label: kind === "trigger" ? (named ?? own) : (own ?? named),
        trigger: kind === "trigger" ? own : null,
      });
      return;
    }
    for (const key of ["command", "commands", "script"]) {
      const value = getIn(this.doc, item, key);
      if (isMap(value)) {
        // Nested form: `- command: { command: …, label: … }`.
        this.push("command", value, line, group, { commands: this.commandOf(value) });
        return;
      }
    }
    this.push("command", item, line, group, { commands: this.commandOf(item) });
  }

  private hasNullKey(map: Node, key: string): boolean {
    return entriesOf(this.doc, map).some(([k, v]) => k === key && v === null);
  }

  private readGroup(item: Node, outer: GroupInfo | null): void {
    const label = this.text(getIn(this.doc, item, "group")) ?? this.text(getIn(this.doc, item, "label")) ?? this.text(getIn(this.doc, item, "name")) ?? this.text(getIn(this.doc, item, "key"));
    const cond = this.located(getIn(this.doc, item, "if"));
    this.readSteps(getIn(this.doc, item, "steps") as Node, { label: label ?? outer?.label ?? null, condition: cond ?? outer?.condition ?? null });
  }

  private located(node: Node | undefined): Located | null {
    const text = this.text(node);
    return text === null ? null : { text: this.take(text), line: this.line(node, 1) };
  }

  private commandOf(map: Node): TextLines | null {
    for (const key of ["command", "commands", "script"]) {
      const value = getIn(this.doc, map, key);
      if (value !== undefined && !isMap(value)) return this.commandText(value);
    }
    return null;
  }

  /** A command string, or a list joined by newlines, keeping each part's line. */
  private commandText(node: Node): TextLines | null {
    const parts: Array<{ text: string; line: number; block: boolean }> = [];
    const add = (n: Node): void => {
      const text = this.text(n);
      if (text === null) return;
      const block = isScalar(n) && ((n as Scalar).type === "BLOCK_LITERAL" || (n as Scalar).type === "BLOCK_FOLDED");
      parts.push({ text: this.take(text), line: this.line(n, 1), block });
    };
    if (isSeq(node)) for (const n of itemsOf(this.doc, node)) add(n);
    else add(node);
    return parts.length === 0 ? null : new TextLines(parts);
  }

  private strings(node: Node | undefined): string[] {
    if (node === undefined) return [];
    if (isSeq(node)) return itemsOf(this.doc, node).flatMap((n) => this.text(n) ?? this.text(getIn(this.doc, n, "step")) ?? []);
    const t = this.text(node);
    return t === null ? [] : [t];
  }

  private push(kind: StepKind, attrs: Node | null, line: number, group: GroupInfo | null, found: { label?: string | null; commands?: TextLines | null; trigger?: string | null }): void {
    if (this.steps.length + this.offset >= MAX_STEPS) throw new TooManySteps();
    const get = (key: string): Node | undefined => (attrs === null ? undefined : getIn(this.doc, attrs, key));
    const conditions: Located[] = [];
    if (group?.condition) conditions.push(group.condition);
    const own = this.located(get("if"));
    if (own) conditions.push(own);
    const branches = get("branches");
    const command = kind === "command";
    this.steps.push({
      kind,
      position: this.steps.length + 1,
      line,
      key: this.text(get("key")) ?? this.text(get("id")) ?? this.text(get("identifier")),
      label: found.label !== undefined ? found.label : (this.text(get("label")) ?? this.text(get("name"))),
      group: group?.label ?? null,
      conditions,
      branches: branches === undefined ? null : this.strings(branches).flatMap((b) => b.split(/\s+/).filter((x) => x !== "")),
      dependsOn: this.strings(get("depends_on")),
      concurrencyGroup: this.text(get("concurrency_group")),
      agents: command ? this.agents(get("agents")) : [],
      env: command || kind === "trigger" ? [...(command ? this.scope.env : []), ...this.env(kind === "trigger" ? getIn(this.doc, get("build"), "env") : get("env"), false)] : [],
      secrets: command ? [...this.scope.secrets, ...this.secrets(get("secrets"), false)] : [],
      commands: found.commands ?? null,
      plugins: command ? this.plugins(get("plugins")) : [],
      trigger: found.trigger ?? null,
      node: attrs,
      pipelineNode: this.scope.root,
      doc: this.doc,
    });
  }

  agentPairs(node: Node | undefined): Array<[string, string]> {
    if (node === undefined) return [];
    if (isSeq(node)) {
      return this.strings(node).map((s) => {
        const eq = s.indexOf("=");
        return eq < 0 ? [s, "true"] : [s.slice(0, eq), this.resolve(s.slice(eq + 1))];
      });
    }
    return entriesOf(this.doc, node).flatMap(([k, v]) => {
      const t = this.text(v);
      return t === null ? [] : [[k, this.resolve(t)] as [string, string]];
    });
  }

  /** The step's rules over the pipeline's: a key the step sets replaces the pipeline's. */
  private agents(node: Node | undefined): string[] {
    const own = this.agentPairs(node);
    const keys = new Set(own.map(([k]) => k));
    const all = [...own, ...this.scope.agents.filter(([k]) => !keys.has(k))];
    all.sort(([a], [b]) => (a === "queue" ? -1 : b === "queue" ? 1 : 0));
    return all.map(([k, v]) => `${k}=${v}`);
  }

  env(node: Node | undefined, pipeline: boolean): EnvEntry[] {
    return entriesOf(this.doc, node).map(([name, value, key]) => {
      const text = this.text(value);
      return { name, value: text === null ? null : this.take(text), line: this.line(key, 1), pipeline };
    });
  }

  secrets(node: Node | undefined, pipeline: boolean): SecretKey[] {
    if (node === undefined) return [];
    if (isSeq(node)) {
      return itemsOf(this.doc, node).flatMap((n) => {
        const t = this.text(n);
        return t === null ? [] : [{ env: t, key: t, line: this.line(n, 1), pipeline }];
      });
    }
    return entriesOf(this.doc, node).flatMap(([env, value, key]) => {
      const t = this.text(value);
      return t === null ? [] : [{ env, key: t, line: this.line(key, 1), pipeline }];
    });
  }

  private plugins(node: Node | undefined): PluginUse[] {
    if (node === undefined) return [];
    const one = (ref: string, line: number, config: Node | null): PluginUse => ({ ref: this.resolve(ref), line, config });
    if (isMap(node)) return entriesOf(this.doc, node).map(([ref, config, key]) => one(ref, this.line(key, 1), config));
    return itemsOf(this.doc, node).flatMap((item) => {
      if (isScalar(item)) {
        const t = this.text(item);
        return t === null ? [] : [one(t, this.line(item, 1), null)];
      }
      return entriesOf(this.doc, item).map(([ref, config, key]) => one(ref, this.line(key, 1), config));
    });
  }
}

/** Reads every document of the file; each document's top-level keys apply to its own steps. */
export function readPipeline(docs: YamlDoc[], sourceLength: number): { ok: true; pipeline: Pipeline } | { ok: false; message: string } {
  const steps: RawStep[] = [];
  const warnings: string[] = [];
  for (const doc of docs) {
    const root = doc.root === null ? null : doc.deref(doc.root);
    if (root === null) continue;
    if (!isMap(root) && !isSeq(root)) {
      return { ok: false, message: "not a Buildkite pipeline: the top level is neither a mapping with `steps:` nor a list of steps" };
    }
    const scope: Scope = { root, env: [], vars: new Map(), agents: [], secrets: [] };
    const reader = new Reader(doc, scope, sourceLength, steps.length);
    let list: Node | undefined = root;
    if (isMap(root)) {
      scope.env = reader.env(getIn(doc, root, "env"), true);
      for (const e of scope.env) if (e.value !== null) scope.vars.set(e.name, e.value);
      scope.agents = reader.agentPairs(getIn(doc, root, "agents"));
      scope.secrets = reader.secrets(getIn(doc, root, "secrets"), true);
      list = getIn(doc, root, "steps");
      if (list !== undefined && !isSeq(list)) {
        warnings.push(`\`steps:\` at line ${doc.lineOf(list)} is not a list; Buildkite would reject the file`);
        continue;
      }
    }
    if (list === undefined) continue;
    const offset = steps.length;
    reader.readSteps(list, null);
    for (const s of reader.steps) steps.push({ ...s, position: s.position + offset });
    warnings.push(...reader.warnings);
  }
  return { ok: true, pipeline: { steps, warnings } };
}
