#!/usr/bin/env python3
"""proven secrets versus detect-secrets, side by side in one run.

    python3 bench/secrets.py [--size-gb 1.1] [--runs 3]

1. Speed: builds (once) a source-like tree of --size-gb under /tmp/proven-secrets-bench (code and
   config lines, with fake credentials sprinkled in), warms the page cache, and times
   `proven secrets` (release build) on all of it. detect-secrets is far slower, so both tools also
   run on one 2.6 MB folder of the same tree (pkg000/mod0), which gives the speed ratio on identical input.
2. Quality: both tools scan the labelled corpus (crates/proven-checks/tests/fixtures/secrets); their
   findings are matched to the labels by file and line, giving precision and recall (overall and,
   for recall, per expected tier).

detect-secrets comes from ../shared/peers (PEERS_ROOT, default /opt/peers):
`PEERS_ONLY=python bash /work/shared/peers/install.sh` installs it.
"""
import argparse
import json
import os
import random
import subprocess
import sys

from common import measure, measure_cpu, repo_root

TREE = "/tmp/proven-secrets-bench"
FIXTURES = os.path.join(repo_root(), "crates", "proven-checks", "tests", "fixtures", "secrets")
sys.path.insert(0, FIXTURES)
import generate  # noqa: E402  (token factories from the documented formats)

CODE = [
    "def handle(request, response):", "    items = [x for x in request.items if x.enabled]",
    "    return response.json({'count': len(items)})", "for (let i = 0; i < rows.length; i++) {",
    "  const row = rows[i];", "  total += row.amount * row.quantity;", "}", "func (s *Server) Start(ctx context.Context) error {",
    "\tif err := s.listen(ctx); err != nil {", "\t\treturn fmt.Errorf(\"listen: %w\", err)", "\t}",
    "impl Display for Version {", "    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {", "        write!(f, \"{}.{}\", self.major, self.minor)",
    "    }", "# Configure the retry policy for outbound calls", "retry:", "  attempts: 5", "  backoff_ms: 250",
    "import { useState, useEffect } from 'react';", "export function useToken(session) { return session?.token ?? null; }",
    "    password = os.environ.get('DB_PASSWORD')", "const url = 'https://api.internal.net/v2/orders?limit=100';",
    "// see https://docs.internal.net/runbooks/payments for the rotation procedure", "SELECT id, name FROM users WHERE id = $1;",
    "    logger.info(\"processed %d events in %.2fs\", count, elapsed)", "<div class=\"card\"><span>{{ item.title }}</span></div>",
    "public static void main(String[] args) throws Exception {", "    tokenizer = Tokenizer(vocab_size=32000)",
    "  \"version\": \"4.17.21\",", "ENV PATH=/usr/local/bin:$PATH", "resource \"aws_s3_bucket\" \"logs\" {",
]


def build_tree(size_gb):
    marker = os.path.join(TREE, f".built-{size_gb}")
    if os.path.exists(marker):
        return
    subprocess.run(["rm", "-rf", TREE], check=True)
    rng = random.Random(7)
    chunks = []
    for _ in range(64):
        lines = []
        while sum(len(line) + 1 for line in lines) < 64 * 1024:
            lines.append(rng.choice(CODE))
        chunks.append("\n".join(lines) + "\n")
    rules = list(generate.TOKENS.items())
    exts = [".py", ".js", ".go", ".rs", ".yaml", ".ts", ".java", ".env", ".json", ".tf"]
    total, n = 0, 0
    target = int(size_gb * 1e9)
    while total < target:
        d = os.path.join(TREE, f"pkg{n // 200:03d}", f"mod{(n // 20) % 10}")
        os.makedirs(d, exist_ok=True)
        parts = [rng.choice(chunks) for _ in range(rng.randint(1, 3))]
        if n % 10 == 0:
            rule, (name, make, _) = rules[n // 10 % len(rules)]
            parts.insert(1, f"{name} = \"{make()}\"\n")
        body = f"// file {n}\n" + "".join(parts)
        with open(os.path.join(d, f"f{n}{exts[n % len(exts)]}"), "w") as f:
            f.write(body)
        total += len(body)
        n += 1
    open(marker, "w").close()


def cpu_seconds(cmd, cwd=None):
    """User + system CPU seconds of one run: on a shared machine wall time mostly measures the
    other tenants, so throughput per CPU-second is reported alongside."""
    return measure_cpu(cmd, cwd)[3]


def du(path):
    return int(subprocess.run(["du", "-sb", path], capture_output=True, text=True).stdout.split()[0])


def labels():
    out = {}
    with open(os.path.join(FIXTURES, "labels.tsv")) as f:
        for line in f:
            if line.startswith("#"):
                continue
            path, ln, rule, tier = line.rstrip("\n").split("\t")
            if rule != "-":
                out[(path, int(ln))] = tier
    return out


def score(found, truth, name):
    tp = len(found & truth.keys())
    p = tp / max(len(found), 1)
    r = tp / max(len(truth), 1)
    per = {}
    for t in "ABC":
        want = {k for k, v in truth.items() if v == t}
        per[t] = len(found & want) / max(len(want), 1)
    print(f"{name:<16} findings {len(found):>4}  precision {p:.3f}  recall {r:.3f}  "
          f"recall A {per['A']:.3f}  B {per['B']:.3f}  C {per['C']:.3f}")
    return {"precision": p, "recall": r, "recall_by_tier": per, "findings": len(found)}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--size-gb", type=float, default=1.1)
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    root = repo_root()
    peers = os.environ.get("PEERS_ROOT", "/opt/peers")
    ds = os.path.join(peers, "bin", "detect-secrets")
    subprocess.run(["cargo", "build", "--release", "-q", "-p", "proven"], cwd=root, check=True)
    target = os.environ.get("CARGO_TARGET_DIR", os.path.join(root, "target"))
    proven = os.path.join(target, "release", "proven")

    build_tree(args.size_gb)
    size = du(TREE)
    subprocess.run(f"find {TREE} -type f -print0 | xargs -0 cat > /dev/null", shell=True, check=True)
    times, mems = [], []
    for _ in range(args.runs):
        w, m, code = measure([proven, "secrets", TREE, "-f", "json"])
        times.append(w)
        mems.append(m)
    w = sorted(times)[len(times) // 2]
    cpu = cpu_seconds([proven, "secrets", TREE, "-f", "json"])
    load = os.getloadavg()[0]
    print(f"tree: {size / 1e9:.2f} GB, {sum(len(fs) for _, _, fs in os.walk(TREE))} files")
    print(f"proven secrets: median {w:.2f} s over {args.runs} runs, {size / 1e9 / w:.2f} GB/s, peak RSS {max(mems):.0f} MB (exit {code})")
    print(f"  CPU time {cpu:.2f} s = {size / 1e9 / cpu:.2f} GB per CPU-second; x2 cores = {2 * size / 1e9 / cpu:.2f} GB/s "
          f"on an idle 2-core machine (load average now {load:.1f})")

    # The subset: one folder of the tree, scanned by both tools.
    subset = os.path.join(TREE, "pkg000", "mod0")
    sub_size = du(subset)
    # detect-secrets resolves paths against the git repository it runs in: run both from the subset.
    ow, om, _ = measure([proven, "secrets", ".", "-f", "json"], cwd=subset)
    pw, pm, _ = measure([ds, "scan", "--all-files", "."], cwd=subset)
    dcpu = cpu_seconds([ds, "scan", "--all-files", "."], cwd=subset)
    ocpu = cpu_seconds([proven, "secrets", ".", "-f", "json"], cwd=subset)
    print(f"subset CPU seconds: proven {ocpu:.2f}, detect-secrets {dcpu:.2f}, ratio {dcpu / ocpu:.0f}x")
    print(f"subset {sub_size / 1e6:.0f} MB: proven {ow:.2f} s ({sub_size / 1e9 / ow:.2f} GB/s, {om:.0f} MB); "
          f"detect-secrets {pw:.2f} s ({sub_size / 1e9 / pw:.4f} GB/s, {pm:.0f} MB); speed ratio {pw / ow:.0f}x")
    print(f"full-tree ratio (detect-secrets scaled from the subset): {(pw / sub_size * size) / w:.0f}x")

    corpus = os.path.join(FIXTURES, "corpus")
    truth = labels()
    out = subprocess.run([proven, "secrets", ".", "-f", "json"], cwd=corpus, capture_output=True, text=True)
    ours = {(f["location"]["path"], f["location"].get("line", 0)) for f in json.loads(out.stdout)}
    out = subprocess.run([ds, "scan", "--all-files", "."], cwd=corpus, capture_output=True, text=True)
    theirs = set()
    for path, items in json.loads(out.stdout)["results"].items():
        for item in items:
            theirs.add((path.removeprefix("./"), item["line_number"]))
    print(f"corpus: {len(truth)} labelled secrets")
    result = {
        "tree_bytes": size, "proven_s": w, "proven_cpu_s": cpu, "load_average": load, "proven_gbps": size / 1e9 / w, "proven_peak_mb": max(mems),
        "subset_bytes": sub_size, "subset_proven_s": ow, "subset_detect_secrets_s": pw, "speed_ratio": pw / ow,
        "proven": score(ours, truth, "proven"), "detect-secrets": score(theirs, truth, "detect-secrets"),
    }
    os.makedirs(os.path.join(root, "bench", "out"), exist_ok=True)
    with open(os.path.join(root, "bench", "out", "secrets.json"), "w") as f:
        json.dump(result, f, indent=2)


if __name__ == "__main__":
    main()
