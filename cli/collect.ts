import { closeSync, openSync, readdirSync, readSync, statSync } from "node:fs";
import { basename, join, relative, sep } from "node:path";
import type { SourceFile } from "../lib/analysis/index";

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

export function collect(arg: string, limit: number): ScanRoot {
  if (!isDir(arg)) {
    statSync(arg);
    return { root: arg, files: [{ path: basename(arg), content: readBounded(arg, limit) }] };
  }
  const paths: string[] = [];
  const workflowsDir = join(arg, ".github", "workflows");
  if (isDir(workflowsDir)) listYaml(workflowsDir, false, paths);
  else listYaml(arg, basename(arg) !== "workflows", paths);
  const files = paths.map((p) => ({ path: toPosix(relative(arg, p)), content: readBounded(p, limit) }));
  addLocalActions(arg, files, limit);
  return { root: arg, files };
}
