import { closeSync, openSync, readdirSync, readSync, statSync } from "node:fs";
import { basename, join, relative, sep } from "node:path";
import { fileKindOf, type SourceFile } from "../lib/analysis/index";

// Turns CLI path arguments into the files of each scan root. The only I/O of a scan.

export interface ScanRoot {
  /** The path argument as given. */
  root: string;
  files: SourceFile[];
}

const YAML = /\.ya?ml$/i;
const SKIP_DIRS = new Set(["node_modules", ".git"]);
const LOCAL_USES = /^\s*-?\s*uses:\s*["']?\.\/([^\s"'#@]*)/gm;

/** Reads at most `limit + 1` bytes, so an oversized file is refused without loading it. */
export function readBounded(file: string, limit: number): Uint8Array {
  const size = statSync(file).size;
  const buf = Buffer.alloc(Math.min(size, limit + 1));
  const fd = openSync(file, "r");
  try {
    let off = 0;
    while (off < buf.length) {
      const n = readSync(fd, buf, off, buf.length - off, off);
      if (n === 0) break;
      off += n;
    }
    return buf.subarray(0, off);
  } finally {
    closeSync(fd);
  }
}

function toPosix(p: string): string {
  return p.split(sep).join("/");
}

function listYaml(dir: string, recursive: boolean, out: string[]): void {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    const full = join(dir, e.name);
    if (e.isDirectory()) {
      if (recursive && !SKIP_DIRS.has(e.name)) listYaml(full, recursive, out);
    } else if (e.isFile() && YAML.test(e.name)) out.push(full);
  }
}

function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/** Adds the local actions (`uses: ./dir`) that the loaded files reference, transitively. */
function addLocalActions(rootDir: string, files: SourceFile[], limit: number): void {
  const known = new Set(files.map((f) => f.path));
  const queue = [...files];
  for (let guard = 0; queue.length > 0 && guard < 500; guard++) {
    const f = queue.shift();
    if (f === undefined) break;
    const text = Buffer.from(f.content).toString("utf8");
    for (const m of text.matchAll(LOCAL_USES)) {
      const dir = (m[1] ?? "").replace(/\/$/, "");
      for (const name of ["action.yml", "action.yaml"]) {
        const rel = dir === "" ? name : `${dir}/${name}`;
        if (known.has(rel)) break;
        const full = join(rootDir, rel);
        try {
          if (!statSync(full).isFile()) continue;
        } catch {
          continue;
        }
        const file = { path: rel, content: readBounded(full, limit) };
        known.add(rel);
        files.push(file);
        queue.push(file);
        break;
      }
    }
  }
}

/**
 * The files of one scan root. A file argument is analysed whatever its shape. A directory is
 * walked whole (node_modules and .git aside) and each YAML file kept by what it is
 * (`fileKindOf`): GitHub workflows, Buildkite pipelines under `.buildkite/` or named
 * `buildkite.yml`, Tekton resources anywhere. When the root has `.github/workflows/`, GitHub
 * workflows are taken from there only, as GitHub runs them; a scan of a `workflows`
 * directory itself takes every YAML file in it.
 */
export function collect(arg: string, limit: number): ScanRoot {
  if (!isDir(arg)) {
    statSync(arg);
    return { root: arg, files: [{ path: basename(arg), content: readBounded(arg, limit) }] };
  }
  const workflowsDirOnly = basename(arg) === "workflows";
  const hasWorkflowsDir = isDir(join(arg, ".github", "workflows"));
  const paths: string[] = [];
  listYaml(arg, !workflowsDirOnly, paths);
  const files: SourceFile[] = [];
  for (const p of paths) {
    const rel = toPosix(relative(arg, p));
    const content = readBounded(p, limit);
    if (!workflowsDirOnly && !keep(rel, content, hasWorkflowsDir)) continue;
    files.push({ path: rel, content });
  }
  addLocalActions(arg, files, limit);
  return { root: arg, files };
}

const ROOT_WORKFLOW = /^\.github\/workflows\/[^/]+$/;

function keep(rel: string, content: Uint8Array, hasWorkflowsDir: boolean): boolean {
  const kind = fileKindOf(rel, content);
  if (kind === "buildkite" || kind === "tekton") return true;
  // With a workflows directory at the root, its files are the workflows and actions come in
  // through `uses: ./…` (addLocalActions); without one, every workflow- or action-shaped file.
  if (hasWorkflowsDir) return kind === "github-actions" && ROOT_WORKFLOW.test(rel);
  return kind !== null;
}
