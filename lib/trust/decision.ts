// Three-valued verdicts. `possibly` means "we cannot tell from what we were given"; it is
// never rounded to yes or no. All combinators are Kleene's strong three-valued logic,
// which keeps them sound when the operands were decided independently: a `yes` or `no`
// from them holds for every value the unknowns can take.

export type Decision = "yes" | "possibly" | "no";

const RANK: Record<Decision, number> = { no: 0, possibly: 1, yes: 2 };

export function and(...ds: Decision[]): Decision {
  let out: Decision = "yes";
  for (const d of ds) {
    if (d === "no") return "no";
    if (d === "possibly") out = "possibly";
  }
  return out;
}

export function or(...ds: Decision[]): Decision {
  let out: Decision = "no";
  for (const d of ds) {
    if (d === "yes") return "yes";
    if (d === "possibly") out = "possibly";
  }
  return out;
}

export function not(d: Decision): Decision {
  return d === "yes" ? "no" : d === "no" ? "yes" : "possibly";
}

/** The best of several things that can each happen (a job's triggers, its token variants). */
export function best(ds: Iterable<Decision>): Decision {
  let out: Decision = "no";
  for (const d of ds) if (RANK[d] > RANK[out]) out = d;
  return out;
}

/** One of several configurations is the real one but we do not know which: they must agree. */
export function agree(ds: Decision[]): Decision {
  if (ds.length === 0) return "no";
  return ds.every((d) => d === ds[0]) ? (ds[0] as Decision) : "possibly";
}

export function atMost(d: Decision, cap: Decision): Decision {
  return RANK[d] > RANK[cap] ? cap : d;
}

export function fromBool(b: boolean): Decision {
  return b ? "yes" : "no";
}
