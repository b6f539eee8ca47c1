// Which findings moved with a renamed workflow file: pure, no I/O (findings-store.ts applies it).
// A fingerprint names the file (resolve.ts), so a renamed file's findings would read as fixed at
// the old path and opened at the new one. A finding's identity is its row: when the pairing below
// holds, the stored row takes the new fingerprint and path, keeping its id, triage and exceptions,
// and nothing is recorded (it neither went nor came).
//
// Invariants:
// - Only a finding stored open whose file vanished in this snapshot pairs, and only with a finding
//   never stored whose file is new in this snapshot; both have the same rule, job and subject (the
//   message with numbers blanked).
// - First, the inventory's renames (a vanished file whose content is that of exactly one new file,
//   workflows-writer.ts detectRenames): findings pair between those two files.
// - Then, for files edited as they moved: a (rule, job, subject) that exactly one vanished file's
//   finding and exactly one new file's finding share pairs. Two workflows with the same job and
//   subject are never collapsed: an ambiguous key pairs nothing (fixed + opened, as before).
// - Each side pairs at most once.

export interface WorkflowMoves {
  /** Vanished path → the new path holding the same content. */
  renamed: ReadonlyMap<string, string>;
  /** Paths stored before and absent from this snapshot. */
  vanished: ReadonlySet<string>;
  /** Paths of this snapshot not stored before. */
  added: ReadonlySet<string>;
}

export interface MoveSide {
  path: string;
  rule: string;
  job: string | null;
  message: string;
}

/** What stays the same when a finding's file is renamed. */
export function moveKey(f: Pick<MoveSide, "rule" | "job" | "message">): string {
  return [f.rule, f.job ?? "", f.message.replace(/\d+/g, "#")].join("\u0000");
}

/** New fingerprint → stored finding id, for each finding that moved with its file. */
export function pairMovedFindings(
  gone: readonly (MoveSide & { id: string })[],
  appeared: readonly (MoveSide & { fingerprint: string })[],
  moves: WorkflowMoves,
): Map<string, string> {
  const out = new Map<string, string>();
  const paired = new Set<string>();
  const candidatesGone = gone.filter((g) => moves.vanished.has(g.path));
  const candidatesNew = appeared.filter((a) => moves.added.has(a.path));

  for (const g of candidatesGone) {
    const to = moves.renamed.get(g.path);
    if (to === undefined) continue;
    const key = moveKey(g);
    const match = candidatesNew.filter((a) => a.path === to && !out.has(a.fingerprint) && moveKey(a) === key);
    if (match.length !== 1) continue;
    out.set(match[0]!.fingerprint, g.id);
    paired.add(g.id);
  }

  const group = <T,>(list: T[], key: (t: T) => string) => list.reduce((m, t) => m.set(key(t), [...(m.get(key(t)) ?? []), t]), new Map<string, T[]>());
  const goneByKey = group(candidatesGone.filter((g) => !paired.has(g.id)), moveKey);
  const newByKey = group(candidatesNew.filter((a) => !out.has(a.fingerprint)), moveKey);
  for (const [key, olds] of goneByKey) {
    const news = newByKey.get(key);
    if (olds.length !== 1 || news?.length !== 1) continue;
    out.set(news[0]!.fingerprint, olds[0]!.id);
  }
  return out;
}
