import { entriesOf, getIn, itemsOf, scalarText, type YamlDoc } from "../yaml-docs";
import type { Resource, TektonFile } from "./read";

// Tekton Triggers' wiring, read across a repository's files: an EventListener receives webhooks
// and, through its `triggers` (inline, or `triggerRef` to a Trigger), its `triggerGroups`
// (interceptors, then Triggers picked by label) or its own `labelSelector`, hands each accepted
// event to a Trigger whose `template` names a TriggerTemplate — whose resource templates are the
// runs (read.ts keeps their template's name). Which events reach a template follows from the
// interceptors on the way (the group's, then the Trigger's):
// - `github` / `gitlab` / `bitbucket` interceptors' `eventTypes` (ClusterInterceptor `ref` with
//   `params`, or the v1alpha1 `github: { eventTypes }` form);
// - a `cel` interceptor's `filter` that matches the event header
//   (`header.match('X-GitHub-Event', 'push')`, `header.canonical('X-GitHub-Event') == 'push'`);
//   the filter is read for those calls only, not evaluated: an `||` beside them may admit more.
// Several interceptors narrow one another (intersection); a path with none of them admits every
// event the listener receives (`null`). Namespace selectors are not followed: a Trigger the
// listener's labels pick is taken wherever it is written.

export interface TemplateTrigger {
  /** The events, as GitHub names them (`pull_request`, `push`, `issue_comment`…); null: any event the listener receives. */
  events: string[] | null;
  /** The EventListener that starts the template's runs. */
  listener: string;
}

type Events = Set<string> | null;

const GITLAB_EVENTS: Record<string, string> = {
  "merge request hook": "pull_request",
  "push hook": "push",
  "tag push hook": "push",
  "note hook": "comment",
  "pipeline hook": "pipeline",
};

/** A forge's event name as GitHub's (`Merge Request Hook` → pull_request, `pr:opened` → pull_request). */
function normalise(forge: string, event: string): string {
  if (forge === "gitlab") return GITLAB_EVENTS[event.toLowerCase()] ?? event.toLowerCase();
  if (forge === "bitbucket") {
    if (event.startsWith("pr:comment")) return "comment";
    if (event.startsWith("pr:")) return "pull_request";
    if (event.startsWith("repo:refs_changed") || event === "repo:push") return "push";
  }
  return event;
}

function intersect(a: Events, b: Events): Events {
  if (a === null) return b;
  if (b === null) return a;
  return new Set([...a].filter((e) => b.has(e)));
}

function strings(doc: YamlDoc, node: unknown): string[] {
  const one = scalarText(doc, node);
  if (one !== null) return [one];
  return itemsOf(doc, node).flatMap((n) => scalarText(doc, n) ?? []);
}

const HEADER_EVENT = /header\.(?:match|canonical)\(\s*["']x-(github|gitlab)-event["']\s*(?:,\s*["']([^"']+)["']\s*\)|\)\s*==\s*["']([^"']+)["'])/gi;

/** The events a CEL filter's header calls name; null when it names none. */
function celEvents(filter: string): Events {
  const found = new Set<string>();
  for (const m of filter.matchAll(HEADER_EVENT)) found.add(normalise(m[1]!.toLowerCase(), m[2] ?? m[3] ?? ""));
  return found.size > 0 ? found : null;
}

/** What one interceptor lets through: a set of events, or null when it does not look at the event. */
function interceptorEvents(doc: YamlDoc, node: unknown): Events {
  const refName = scalarText(doc, getIn(doc, getIn(doc, node, "ref"), "name"));
  if (refName !== null) {
    const params = new Map<string, unknown>();
    for (const p of itemsOf(doc, getIn(doc, node, "params"))) {
      const name = scalarText(doc, getIn(doc, p, "name"));
      if (name !== null) params.set(name, getIn(doc, p, "value"));
    }
    if (["github", "gitlab", "bitbucket"].includes(refName) && params.has("eventTypes")) return new Set(strings(doc, params.get("eventTypes")).map((e) => normalise(refName, e)));
    const filter = refName === "cel" ? scalarText(doc, params.get("filter")) : null;
    return filter === null ? null : celEvents(filter);
  }
  // v1alpha1: `- github: { eventTypes: [...] }`, `- cel: { filter: ... }`.
  for (const [key, value] of entriesOf(doc, node)) {
    if (["github", "gitlab", "bitbucket"].includes(key)) {
      const types = getIn(doc, value, "eventTypes");
      if (types !== undefined) return new Set(strings(doc, types).map((e) => normalise(key, e)));
    }
    if (key === "cel") {
      const filter = scalarText(doc, getIn(doc, value, "filter"));
      if (filter !== null) return celEvents(filter);
    }
  }
  return null;
}

function interceptorsEvents(doc: YamlDoc, list: unknown): Events {
  let events: Events = null;
  for (const i of itemsOf(doc, list)) events = intersect(events, interceptorEvents(doc, i));
  return events;
}

/** `template: { ref: x }` (v1beta1) or `{ name: x }` (v1alpha1). */
function templateName(doc: YamlDoc, trigger: unknown): string | null {
  const t = getIn(doc, trigger, "template");
  return scalarText(doc, getIn(doc, t, "ref")) ?? scalarText(doc, getIn(doc, t, "name"));
}

function matchLabels(doc: YamlDoc, selector: unknown): Map<string, string> | null {
  const labels = getIn(doc, selector, "matchLabels");
  if (labels === undefined) return null;
  const out = new Map<string, string>();
  for (const [k, v] of entriesOf(doc, labels)) {
    const value = scalarText(doc, v);
    if (value !== null) out.set(k, value);
  }
  return out;
}

export class TriggerWiring {
  private readonly byTemplate = new Map<string, TemplateTrigger[]>();
  private readonly triggers: Resource[] = [];

  constructor(files: TektonFile[]) {
    const listeners: Resource[] = [];
    for (const f of files)
      for (const r of f.resources) {
        if (r.kind === "Trigger") this.triggers.push(r);
        if (r.kind === "EventListener") listeners.push(r);
      }
    for (const l of listeners) this.readListener(l);
  }

  /** How the runs of a TriggerTemplate are started; empty when no EventListener of the repository reaches it. */
  forTemplate(name: string): TemplateTrigger[] {
    return this.byTemplate.get(name) ?? [];
  }

  private add(template: string | null, events: Events, listener: string): void {
    if (template === null) return;
    const list = this.byTemplate.get(template) ?? [];
    list.push({ events: events === null ? null : [...events].sort(), listener });
    this.byTemplate.set(template, list);
  }

  /** A Trigger resource reached with the listener's events so far. */
  private viaTrigger(t: Resource, events: Events, listener: string): void {
    this.add(templateName(t.doc, t.spec), intersect(events, interceptorsEvents(t.doc, getIn(t.doc, t.spec, "interceptors"))), listener);
  }

  private byLabels(labels: Map<string, string> | null): Resource[] {
    if (labels === null) return [];
    return this.triggers.filter((t) => [...labels].every(([k, v]) => t.labels.get(k)?.value === v));
  }

  private readListener(l: Resource): void {
    const { doc, spec } = l;
    const listener = l.name ?? "event-listener";
    for (const t of itemsOf(doc, getIn(doc, spec, "triggers"))) {
      const ref = scalarText(doc, getIn(doc, t, "triggerRef"));
      if (ref !== null) {
        for (const r of this.triggers.filter((x) => x.name === ref)) this.viaTrigger(r, null, listener);
        continue;
      }
      this.add(templateName(doc, t), interceptorsEvents(doc, getIn(doc, t, "interceptors")), listener);
    }
    for (const g of itemsOf(doc, getIn(doc, spec, "triggerGroups"))) {
      const events = interceptorsEvents(doc, getIn(doc, g, "interceptors"));
      const selector = getIn(doc, getIn(doc, g, "triggerSelector"), "labelSelector");
      for (const r of this.byLabels(matchLabels(doc, selector))) this.viaTrigger(r, events, listener);
    }
    for (const r of this.byLabels(matchLabels(doc, getIn(doc, spec, "labelSelector")))) this.viaTrigger(r, null, listener);
  }
}
