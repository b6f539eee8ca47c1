import { generateSyntheticOrg } from "./sim/fixtures/generate";
import { analyzeFiles } from "./lib/analysis/index";
import { parseCodeowners, ownersOf } from "./lib/inventory/codeowners";
const org = generateSyntheticOrg({ repos: 30, seed: 1, login: "bench-org", hostile: true });
for (const repo of org.repos.slice(0, 30)) {
  const files = [...repo.files].filter(([p, b]) => /^\.github\/workflows\/[^/]+\.ya?ml$/.test(p) && b.byteSize <= 512 * 1024 && !b.text.includes("\0")).map(([path, b]) => ({ path, content: b.text }));
  const t = performance.now();
  const r = analyzeFiles(files);
  const ta = performance.now() - t;
  const json = JSON.stringify(r).length;
  const co = repo.files.get(".github/CODEOWNERS");
  const t2 = performance.now();
  let rules = 0;
  if (co && co.byteSize <= 512 * 1024) { const rs = parseCodeowners(co.text); rules = rs.length; for (const f of files) ownersOf(rs, f.path); }
  const tc = performance.now() - t2;
  console.log(repo.name, "files", files.length, "analysis", ta.toFixed(0), "ms json", json, "codeowners", co?.byteSize ?? 0, rules, tc.toFixed(0), "ms");
}
