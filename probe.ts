import { analyzeFiles } from "./lib/analysis/index";
for (const d of [10, 30, 64, 128]) {
  const line = "- ".repeat(d) + "x\n";
  const yaml = line.repeat(Math.floor(600_000 / line.length));
  const t = performance.now();
  const r = analyzeFiles([{ path: ".github/workflows/a.yml", content: yaml }]);
  console.log("seq depth", d, yaml.length, (performance.now() - t).toFixed(0), "ms", r.errors.map((e) => e.message.slice(0, 60)));
}
for (const d of [10, 64, 128]) {
  let block = ""; for (let i = 0; i < d; i++) block += " ".repeat(i) + `k${i}:\n`; block += " ".repeat(d) + "x: 1\n";
  const n = Math.floor(600_000 / block.length);
  const yaml = Array.from({ length: n }, (_, j) => block.replace("k0:", `r${j}:`)).join("");
  const t = performance.now();
  const r = analyzeFiles([{ path: ".github/workflows/a.yml", content: yaml }]);
  console.log("map depth", d, yaml.length, (performance.now() - t).toFixed(0), "ms", r.errors.map((e) => e.message.slice(0, 60)));
}
