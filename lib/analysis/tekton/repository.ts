import { getIn, itemsOf, scalarText, YamlTooLarge } from "../yaml-docs";
import type { Resource, TektonFile } from "./read";
import { TriggerWiring, type TemplateTrigger } from "./trigger-wiring";

// The Tekton files of one repository, for references by name: a PipelineRun's `pipelineRef`, a
// pipeline task's `taskRef`, a step's StepAction `ref`, Pipelines-as-Code's path annotations,
// Lighthouse's `triggers.yaml` and Tekton Triggers' EventListeners (trigger-wiring.ts). Pipelines-as-Code inlines definitions it finds in `.tekton/`;
// `kubectl apply` of a directory makes any of them a definition of the cluster.

export interface Definition {
  resource: Resource;
  /** The file it is written in. */
  path: string;
}

export interface LighthouseJob {
  type: "presubmit" | "postsubmit" | "periodic";
  name: string;
  branches: string[];
  skipBranches: string[];
}

function dirOf(path: string): string {
  const slash = path.lastIndexOf("/");
  return slash < 0 ? "" : path.slice(0, slash);
}

/** The `.tekton` directory a Pipelines-as-Code file lies in (`x/.tekton/a/b.yaml` → `x/.tekton`), or null. */
export function pacRoot(path: string): string | null {
  const parts = path.split("/");
  const at = parts.lastIndexOf(".tekton");
  return at < 0 || at === parts.length - 1 ? null : parts.slice(0, at + 1).join("/");
}

function joinPath(dir: string, rel: string): string {
  const parts = dir === "" ? [] : dir.split("/");
  for (const p of rel.split("/")) {
    if (p === "" || p === ".") continue;
    if (p === "..") parts.pop();
    else parts.push(p);
  }
  return parts.join("/");
}

function strings(doc: Resource["doc"], node: unknown): string[] {
  return itemsOf(doc, node).flatMap((n) => {
    const s = scalarText(doc, n);
    return s === null ? [] : [s];
  });
}

/** The repository's Triggers wiring; null when an alias bomb in a listener stops it (that file is refused when analysed). */
function wiringOf(files: TektonFile[]): TriggerWiring | null {
  try {
    return new TriggerWiring(files);
  } catch (e) {
    if (e instanceof YamlTooLarge) return null;
    throw e;
  }
}

export class TektonRepository {
  private readonly byName = new Map<string, Definition[]>();
  private readonly byPath = new Map<string, TektonFile>();
  private readonly lighthouseJobs = new Map<string, LighthouseJob[]>();
  private readonly wiring: TriggerWiring | null;

  constructor(files: TektonFile[]) {
    for (const file of files) {
      this.byPath.set(file.path, file);
      for (const r of file.resources) {
        if ((r.kind === "Pipeline" || r.kind === "Task" || r.kind === "StepAction") && r.name !== null) {
          const key = `${r.kind}/${r.name}`;
          const list = this.byName.get(key) ?? [];
          list.push({ resource: r, path: file.path });
          this.byName.set(key, list);
        }
        if (r.kind === "TriggerConfig") {
          try {
            this.readLighthouse(file.path, r);
          } catch (e) {
            // An alias bomb in a TriggerConfig: its triggers are not read; the file itself is refused when analysed.
            if (!(e instanceof YamlTooLarge)) throw e;
          }
        }
      }
    }
    this.wiring = wiringOf(files);
  }

  /** How a TriggerTemplate's runs are started (Tekton Triggers); empty when nothing of the repository reaches it. */
  templateTriggers(template: string | undefined): TemplateTrigger[] {
    return template === undefined || this.wiring === null ? [] : this.wiring.forTemplate(template);
  }

  /** Lighthouse's `presubmits`/`postsubmits`/`periodics`, keyed by the file each `source` names. */
  private readLighthouse(path: string, config: Resource): void {
    const doc = config.doc;
    for (const [key, type] of [["presubmits", "presubmit"], ["postsubmits", "postsubmit"], ["periodics", "periodic"]] as const) {
      for (const job of itemsOf(doc, getIn(doc, config.spec, key))) {
        const source = scalarText(doc, getIn(doc, job, "source"));
        if (source === null) continue;
        const target = joinPath(dirOf(path), source);
        const list = this.lighthouseJobs.get(target) ?? [];
        list.push({
          type,
          name: scalarText(doc, getIn(doc, job, "name")) ?? source,
          branches: strings(doc, getIn(doc, job, "branches")),
          skipBranches: strings(doc, getIn(doc, job, "skip_branches")),
        });
        this.lighthouseJobs.set(target, list);
      }
    }
  }

  file(path: string): TektonFile | undefined {
    return this.byPath.get(path);
  }

  lighthouse(path: string): LighthouseJob[] {
    return this.lighthouseJobs.get(path) ?? [];
  }

  /**
   * The definition a reference by name reaches from `from`: in the same file, else in the files
   * `paths` name (Pipelines-as-Code annotations), else in the same directory, else under the
   * same `.tekton/` directory, else the only one of that name in the repository. Null when none
   * is found or several are equally close (the cluster decides which one runs).
   */
  find(kind: "Pipeline" | "Task" | "StepAction", name: string, from: string, paths: string[] = []): Definition | null {
    const all = this.byName.get(`${kind}/${name}`) ?? [];
    if (all.length === 0) return null;
    const pick = (match: (d: Definition) => boolean): Definition | null | undefined => {
      const hits = all.filter(match);
      return hits.length === 1 ? hits[0] : hits.length > 1 ? null : undefined;
    };
    const root = pacRoot(from);
    const tiers: Array<(d: Definition) => boolean> = [
      (d) => d.path === from,
      (d) => paths.includes(d.path),
      (d) => dirOf(d.path) === dirOf(from),
      (d) => root !== null && d.path.startsWith(`${root}/`),
      () => true,
    ];
    for (const tier of tiers) {
      const hit = pick(tier);
      if (hit !== undefined) return hit;
    }
    return null;
  }
}
