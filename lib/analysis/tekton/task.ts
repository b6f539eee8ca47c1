import type { Node } from "yaml";
import type { StepModel, StepValue } from "../steps";
import type { ExprAt } from "../tree";
import type { SecretRef, UsesRef, VarRef } from "../types";
import { getIn, itemsOf, scalarText, type YamlDoc } from "../yaml-docs";
import { declaredScope, givenParams, substitute, type ParamScope } from "./params";
import { lighthouseUses, readRef } from "./refs";

// What one Task (or inline taskSpec, or StepAction) holds: its steps as the GitHub extractors
// see them (script text, env), the secrets and ConfigMaps its steps and volumes read, the
// StepActions it pulls in, the OIDC audiences of projected service-account tokens, its results.

/** Where a definition is written: the model's own file (`path` null) or another of the repository. */
export interface Site {
  doc: YamlDoc;
  path: string | null;
}

export interface TaskFacts {
  steps: StepModel[];
  secrets: SecretRef[];
  vars: VarRef[];
  uses: UsesRef[];
  /** Projected service-account tokens with an audience: an OIDC token the task can present. */
  audiences: Array<{ audience: string; line: number; action?: string }>;
  results: string[];
  /** Params whose names say they carry a token's value (not a secret's name). */
  tokenParams: Array<{ name: string; line: number; action?: string }>;
  /** Env names set on any step with a literal value (`AWS_ROLE_ARN` → its value). */
  env: Map<string, { value: string; line: number; action?: string }>;
  /** Part of the steps come from elsewhere (a remote StepAction, Lighthouse `uses:`): not read. */
  opaqueSteps: boolean;
}

export type StepActionLookup = (name: string) => { site: Site; spec: Node | undefined } | null;

/** Pipelines-as-Code's per-run git credentials: the secret it creates and names `{{ git_auth_secret }}`. */
export const GIT_AUTH = "{{ git_auth_secret }}";
const GIT_AUTH_TEXT = /\{\{\s*git_auth_secret\s*\}\}/;

/** A param's name that says it holds a token's value (`GITHUB_TOKEN`, `api-key`), not a secret's name. */
const TOKEN_PARAM = /(^|[-_.])(token|password|passwd|api[-_]?key|apikey|client[-_]?secret|private[-_]?key)$/i;

export function isTokenParam(name: string): boolean {
  return TOKEN_PARAM.test(name);
}

export function secretName(raw: string, scope: ParamScope): string {
  const name = substitute(raw, scope).trim();
  return GIT_AUTH_TEXT.test(name) ? GIT_AUTH : name;
}

/** The params a raw value refers to (`$(params.x)`), so a param that names a secret is not read as a token. */
function paramsIn(raw: string, out: Set<string>): void {
  let pos = 0;
  for (;;) {
    const at = raw.indexOf("$(params.", pos);
    if (at < 0) return;
    const end = raw.indexOf(")", at);
    if (end < 0) return;
    out.add(raw.slice(at + "$(params.".length, end));
    pos = end + 1;
  }
}

function emptyFacts(): TaskFacts {
  return { steps: [], secrets: [], vars: [], uses: [], audiences: [], results: [], tokenParams: [], env: new Map(), opaqueSteps: false };
}

class TaskReader {
  readonly facts = emptyFacts();
  /** Params used as the name of a secret, a secret volume or a ConfigMap. */
  private readonly namingParams = new Set<string>();
  private readonly seenSecrets = new Set<string>();

  constructor(private readonly lookup: StepActionLookup) {}

  private at(site: Site): { action?: string } {
    return site.path !== null ? { action: site.path } : {};
  }

  private secret(site: Site, name: string, via: SecretRef["via"], line: number, step: number | undefined): void {
    const key = `${name}|${via}|${step ?? ""}|${site.path ?? ""}`;
    if (this.seenSecrets.has(key)) return;
    this.seenSecrets.add(key);
    this.facts.secrets.push({ name, via, line, ...(step !== undefined ? { step } : {}), ...this.at(site) });
  }

  /** A step's (or step template's) env: literal values, secretKeyRef and configMapKeyRef. */
  env(site: Site, list: Node | undefined, envFrom: Node | undefined, scope: ParamScope, step: number | undefined): Record<string, StepValue> {
    const { doc } = site;
    const out: Record<string, StepValue> = {};
    for (const item of itemsOf(doc, list)) {
      const name = scalarText(doc, getIn(doc, item, "name"));
      if (name === null) continue;
      const value = scalarText(doc, getIn(doc, item, "value"));
      const line = doc.lineOf(item);
      const from = getIn(doc, item, "valueFrom");
      const secretRef = getIn(doc, from, "secretKeyRef");
      const configRef = getIn(doc, from, "configMapKeyRef");
      if (secretRef !== undefined) {
        const rawName = scalarText(doc, getIn(doc, secretRef, "name")) ?? "?";
        const rawKey = scalarText(doc, getIn(doc, secretRef, "key")) ?? "?";
        paramsIn(rawName, this.namingParams);
        paramsIn(rawKey, this.namingParams);
        const ref = `${secretName(rawName, scope)}/${substitute(rawKey, scope).trim()}`;
        this.secret(site, ref, "secret-ref", doc.lineOf(secretRef), step);
        // The secret as the GitHub extractors read one (`secrets['name/key']`); PaC's git token
        // is the run's own, short-lived credential, as GITHUB_TOKEN is a workflow's.
        const exprs: ExprAt[] = ref.startsWith(GIT_AUTH) || /['\\]/.test(ref) ? [] : [{ expr: `secrets['${ref}']`, line }];
        out[name] = { text: "", line, exprs };
      } else if (configRef !== undefined) {
        const rawName = scalarText(doc, getIn(doc, configRef, "name")) ?? "?";
        paramsIn(rawName, this.namingParams);
        this.facts.vars.push({ name: `${substitute(rawName, scope).trim()}/${substitute(scalarText(doc, getIn(doc, configRef, "key")) ?? "?", scope).trim()}`, line: doc.lineOf(configRef) });
        out[name] = { text: "", line, exprs: [] };
      } else {
        const text = substitute(value ?? "", scope);
        out[name] = { text, line, exprs: [] };
        if (text !== "") this.facts.env.set(name, { value: text, line, ...this.at(site) });
      }
    }
    for (const item of itemsOf(doc, envFrom)) {
      const secretRef = getIn(doc, item, "secretRef");
      const configRef = getIn(doc, item, "configMapRef");
      const raw = scalarText(doc, getIn(doc, secretRef ?? configRef, "name"));
      if (raw === null) continue;
      paramsIn(raw, this.namingParams);
      if (secretRef !== undefined) this.secret(site, `${secretName(raw, scope)}/*`, "secret-ref", doc.lineOf(secretRef), step);
      else this.facts.vars.push({ name: `${substitute(raw, scope).trim()}/*`, line: doc.lineOf(configRef) });
    }
    return out;
  }

  /** A step's command: `script`, else `command` and `args` joined. */
  private run(site: Site, step: Node | undefined, scope: ParamScope): StepValue | null {
    const { doc } = site;
    const script = getIn(doc, step, "script");
    const text = scalarText(doc, script);
    if (text !== null) return { text: substitute(text, scope), line: doc.lineOf(script), exprs: [] };
    const words = [...itemsOf(doc, getIn(doc, step, "command")), ...itemsOf(doc, getIn(doc, step, "args"))].flatMap((n) => {
      const s = scalarText(doc, n);
      return s === null ? [] : [substitute(s, scope)];
    });
    return words.length > 0 ? { text: words.join(" "), line: doc.lineOf(getIn(doc, step, "command") ?? getIn(doc, step, "args")), exprs: [] } : null;
  }

  /** One step (or sidecar), a StepAction `ref` followed when the repository defines it. */
  step(site: Site, node: Node, index: number, scope: ParamScope, template: Record<string, StepValue>): void {
    const { doc } = site;
    const name = scalarText(doc, getIn(doc, node, "name"));
    const ownEnv = this.env(site, getIn(doc, node, "env"), getIn(doc, node, "envFrom"), scope, index);
    let env = { ...template, ...ownEnv };
    let run = this.run(site, node, scope);
    const image = scalarText(doc, getIn(doc, node, "image"));
    const inherited = image === null ? null : lighthouseUses(image);
    if (inherited !== null) {
      this.facts.uses.push({ ...inherited, line: doc.lineOf(getIn(doc, node, "image")), step: index, ...this.at(site) });
      this.facts.opaqueSteps = true;
    }
    const ref = readRef(doc, getIn(doc, node, "ref"), scope);
    if (ref?.type === "remote") {
      this.facts.uses.push({ uses: ref.uses, pinned: ref.pinned, line: ref.line, step: index, ...this.at(site) });
      this.facts.opaqueSteps = true;
    } else if (ref?.type === "name") {
      const action = this.lookup(ref.name);
      if (action === null) {
        this.facts.uses.push({ uses: `cluster:${ref.name}`, pinned: false, line: ref.line, step: index, ...this.at(site) });
        this.facts.opaqueSteps = true;
      } else {
        const given = givenParams(doc, getIn(doc, node, "params"), scope);
        const inner = declaredScope(action.site.doc, getIn(action.site.doc, action.spec, "params"), given);
        env = { ...env, ...this.env(action.site, getIn(action.site.doc, action.spec, "env"), undefined, inner, index) };
        run = this.run(action.site, action.spec, inner) ?? run;
      }
    }
    const line = doc.lineOf(node);
    this.facts.steps.push({ index, line, id: name, name, uses: null, run, with: {}, env, cond: null, origin: site.path });
  }

  /** `volumes:` of a task or pod template: secrets mounted as files, projected tokens. */
  volumes(site: Site, list: Node | undefined, scope: ParamScope): void {
    const { doc } = site;
    for (const v of itemsOf(doc, list)) {
      const secret = getIn(doc, v, "secret");
      if (secret !== undefined) {
        const raw = scalarText(doc, getIn(doc, secret, "secretName"));
        if (raw !== null) {
          paramsIn(raw, this.namingParams);
          this.secret(site, secretName(raw, scope), "volume", doc.lineOf(secret), undefined);
        }
      }
      this.projected(site, getIn(doc, v, "projected"), scope, "volume");
      const config = getIn(doc, v, "configMap");
      const cm = scalarText(doc, getIn(doc, config, "name"));
      if (cm !== null) paramsIn(cm, this.namingParams);
    }
  }

  /** A projected volume or workspace: its secrets, and service-account tokens with an audience. */
  projected(site: Site, projected: Node | undefined, scope: ParamScope, via: "volume" | "workspace"): void {
    const { doc } = site;
    for (const source of itemsOf(doc, getIn(doc, projected, "sources"))) {
      const secret = getIn(doc, source, "secret");
      const raw = scalarText(doc, getIn(doc, secret, "name"));
      if (raw !== null) {
        paramsIn(raw, this.namingParams);
        this.secret(site, secretName(raw, scope), via, doc.lineOf(secret), undefined);
      }
      const token = getIn(doc, source, "serviceAccountToken");
      const audience = scalarText(doc, getIn(doc, token, "audience"));
      if (audience !== null) this.facts.audiences.push({ audience: substitute(audience, scope), line: doc.lineOf(token), ...this.at(site) });
    }
  }

  /** Declared params (with the values given) whose names say token. */
  tokenParams(site: Site, params: Node | undefined): void {
    const { doc } = site;
    for (const p of itemsOf(doc, params)) {
      const name = scalarText(doc, getIn(doc, p, "name"));
      if (name === null || !TOKEN_PARAM.test(name) || this.namingParams.has(name)) continue;
      if (this.facts.tokenParams.some((t) => t.name === name)) continue;
      this.facts.tokenParams.push({ name, line: doc.lineOf(p), ...this.at(site) });
    }
  }
}

/**
 * Reads a Task's spec (or an inline taskSpec): steps, stepTemplate, sidecars, volumes, results.
 * `scope` holds the params the caller gives, over the task's own defaults.
 */
export function readTask(site: Site, spec: Node | undefined, given: ReadonlyMap<string, string>, lookup: StepActionLookup): TaskFacts {
  const { doc } = site;
  const reader = new TaskReader(lookup);
  const scope = declaredScope(doc, getIn(doc, spec, "params"), given);
  const template = getIn(doc, spec, "stepTemplate");
  const templateEnv = reader.env(site, getIn(doc, template, "env"), getIn(doc, template, "envFrom"), scope, undefined);
  const templateImage = scalarText(doc, getIn(doc, template, "image"));
  const inherited = templateImage === null ? null : lighthouseUses(templateImage);
  if (inherited !== null) {
    reader.facts.uses.push({ ...inherited, line: doc.lineOf(getIn(doc, template, "image")), ...(site.path !== null ? { action: site.path } : {}) });
    reader.facts.opaqueSteps = true;
  }
  let index = 0;
  for (const step of itemsOf(doc, getIn(doc, spec, "steps"))) reader.step(site, step, ++index, scope, templateEnv);
  for (const sidecar of itemsOf(doc, getIn(doc, spec, "sidecars"))) reader.step(site, sidecar, ++index, scope, {});
  reader.volumes(site, getIn(doc, spec, "volumes"), scope);
  for (const r of itemsOf(doc, getIn(doc, spec, "results"))) {
    const name = scalarText(doc, getIn(doc, r, "name"));
    if (name !== null) reader.facts.results.push(name);
  }
  reader.tokenParams(site, getIn(doc, spec, "params"));
  return reader.facts;
}

/** A StepAction on its own (a file that defines one): one step. */
export function readStepAction(site: Site, spec: Node | undefined): TaskFacts {
  const { doc } = site;
  const reader = new TaskReader(() => null);
  const scope = declaredScope(doc, getIn(doc, spec, "params"), new Map());
  if (spec !== undefined) reader.step(site, spec, 1, scope, {});
  for (const r of itemsOf(doc, getIn(doc, spec, "results"))) {
    const name = scalarText(doc, getIn(doc, r, "name"));
    if (name !== null) reader.facts.results.push(name);
  }
  reader.tokenParams(site, getIn(doc, spec, "params"));
  return reader.facts;
}

/** The volumes of a run's pod template: the secrets they mount and the tokens they project. */
export function podVolumes(site: Site, volumes: Node | undefined, scope: ParamScope): Pick<TaskFacts, "secrets" | "audiences"> {
  const reader = new TaskReader(() => null);
  reader.volumes(site, volumes, scope);
  return { secrets: reader.facts.secrets, audiences: reader.facts.audiences };
}

/** A secret bound as a workspace (`secret.secretName`, projected secrets), with its line. */
export function workspaceSecrets(doc: YamlDoc, binding: Node): Array<{ name: string; line: number }> {
  const out: Array<{ name: string; line: number }> = [];
  const secret = getIn(doc, binding, "secret");
  const raw = scalarText(doc, getIn(doc, secret, "secretName"));
  if (raw !== null) out.push({ name: GIT_AUTH_TEXT.test(raw) ? GIT_AUTH : raw.trim(), line: doc.lineOf(secret) });
  for (const source of itemsOf(doc, getIn(doc, getIn(doc, binding, "projected"), "sources"))) {
    const s = getIn(doc, source, "secret");
    const name = scalarText(doc, getIn(doc, s, "name"));
    if (name !== null) out.push({ name: GIT_AUTH_TEXT.test(name) ? GIT_AUTH : name.trim(), line: doc.lineOf(s) });
  }
  return out;
}
