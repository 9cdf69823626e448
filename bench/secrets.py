#!/usr/bin/env python3
"""proven secrets versus detect-secrets, side by side in one run.

    python3 bench/secrets.py [--size-gb 1.1] [--runs 3]

1. Speed: builds (once) a source-like tree of --size-gb under /tmp/proven-secrets-bench (code and
   config lines, with fake credentials sprinkled in), warms the page cache, and times
   `proven secrets` (release build) on all of it. The peers are far slower, so every tool also runs,
   alternating, on one 2.6 MB folder of the same tree (pkg000/mod0), which gives the speed ratios on
   identical input: detect-secrets, trivy (`fs --scanners secret`) and secretlint, each where
   installed.
2. History: builds (once) a git repository from four packages of the tree (one commit per folder,
   then rounds of edits, one of which adds a credential that a later one removes) and times
   `proven secrets --history` (every distinct blob once) against `proven secrets` on its checkout.
3. Quality: proven and detect-secrets scan the labelled corpus (crates/proven-checks/tests/fixtures/
   secrets); their findings are matched to the labels by file and line, giving precision and recall
   (overall and, for recall, per expected tier).

The peers come from ../shared/peers (PEERS_ROOT, default /opt/peers):
`PEERS_ONLY="python npm" bash /work/shared/peers/install.sh` installs them.
"""
import argparse
import json
import os
import random
import statistics
import subprocess
import sys

from common import mb, measure, measure_cpu, peak, release_binary, repo_root

TREE = "/tmp/proven-secrets-bench"
HISTORY = "/tmp/proven-secrets-bench-history"
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


def peer_commands(peers):
    b = os.path.join(peers, "bin")
    return {
        "detect-secrets": [os.path.join(b, "detect-secrets"), "scan", "--all-files", "."],
        "trivy": [os.path.join(b, "trivy"), "fs", "--offline-scan", "--skip-db-update", "--scanners", "secret",
                  "--cache-dir", "/tmp/proven-secrets-bench-trivy-cache", "-q", "-f", "json", "."],
        "secretlint": [os.path.join(b, "secretlint"), "--secretlintrc", os.path.join(peers, "npm", ".secretlintrc.json"),
                       "--format", "json", "./**/*"],
    }


def build_history():
    """A repository whose history holds more than its tree: one commit per folder of four packages,
    then 60 rounds that each append a line to 20 files; round 10 adds a credential, round 40 removes it."""
    marker = os.path.join(HISTORY, ".git", "built")
    if os.path.exists(marker):
        return
    subprocess.run(["rm", "-rf", HISTORY], check=True)
    os.makedirs(HISTORY)
    git = lambda *a: subprocess.run(["git", "-C", HISTORY, *a], check=True, stdout=subprocess.DEVNULL)
    git("init", "-q")
    git("config", "user.email", "bench@example.invalid")
    git("config", "user.name", "bench")
    for pkg in range(4):
        for mod in range(10):
            src = os.path.join(TREE, f"pkg{pkg:03d}", f"mod{mod}")
            subprocess.run(["cp", "-r", src, os.path.join(HISTORY, f"pkg{pkg}-mod{mod}")], check=True)
            git("add", "-A")
            git("commit", "-qm", f"add pkg{pkg}/mod{mod}")
    files = sorted(subprocess.run(["git", "-C", HISTORY, "ls-files"], capture_output=True, text=True).stdout.split())
    rng = random.Random(11)
    leaked = os.path.join(HISTORY, "config", "deploy.env")
    for r in range(60):
        for f in rng.sample(files, 20):
            with open(os.path.join(HISTORY, f), "a") as out:
                out.write(f"// edit {r}\n")
        if r == 10:
            os.makedirs(os.path.dirname(leaked), exist_ok=True)
            with open(leaked, "w") as out:
                out.write(f"GITHUB_TOKEN={generate.TOKENS['github-pat'][1]()}\n")
        if r == 40:
            os.remove(leaked)
        git("add", "-A")
        git("commit", "-qm", f"edit round {r}")
    open(marker, "w").close()


def bench_history(proven, runs):
    build_history()
    listing = subprocess.run(["git", "-C", HISTORY, "cat-file", "--batch-all-objects", "--batch-check"],
                             capture_output=True, text=True, check=True).stdout.split("\n")
    blob_bytes = sum(int(l.split()[2]) for l in listing if l.split()[1:2] == ["blob"])
    commits = int(subprocess.run(["git", "-C", HISTORY, "rev-list", "--count", "--all"],
                                 capture_output=True, text=True, check=True).stdout)
    tree_bytes = du(HISTORY) - du(os.path.join(HISTORY, ".git"))
    hist, tree = [], []
    for _ in range(runs):
        hist.append(measure([proven, "secrets", "--history", HISTORY, "-f", "json"]))
        tree.append(measure([proven, "secrets", HISTORY, "-f", "json"]))
    hw, tw = statistics.median(r[0] for r in hist), statistics.median(r[0] for r in tree)
    print(f"history: {commits} commits, {blob_bytes / 1e6:.0f} MB of distinct blobs; tree {tree_bytes / 1e6:.0f} MB")
    print(f"  --history {hw:.2f} s ({blob_bytes / 1e9 / hw:.2f} GB/s of blobs, peak {mb(peak(r[1] for r in hist), 0, 0)} MB); "
          f"tree {tw:.2f} s ({tree_bytes / 1e9 / tw:.2f} GB/s, peak {mb(peak(r[1] for r in tree), 0, 0)} MB)")
    return {"commits": commits, "blob_bytes": blob_bytes, "tree_bytes": tree_bytes, "history_s": hw, "tree_s": tw,
            "history_gbps": blob_bytes / 1e9 / hw, "tree_gbps": tree_bytes / 1e9 / tw}


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
    proven = release_binary()

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
    print(f"proven secrets: median {w:.2f} s over {args.runs} runs, {size / 1e9 / w:.2f} GB/s, peak RSS {mb(peak(mems), 0, 0)} MB (exit {code})")
    print(f"  CPU time {cpu:.2f} s = {size / 1e9 / cpu:.2f} GB per CPU-second; x2 cores = {2 * size / 1e9 / cpu:.2f} GB/s "
          f"on an idle 2-core machine (load average now {load:.1f})")

    # The subset: one folder of the tree, scanned by every tool, alternating.
    subset = os.path.join(TREE, "pkg000", "mod0")
    sub_size = du(subset)
    # detect-secrets resolves paths against the git repository it runs in: run every tool from the subset.
    tools = {"proven": [proven, "secrets", ".", "-f", "json"]}
    for name, cmd in peer_commands(peers).items():
        if os.path.exists(cmd[0]):
            tools[name] = cmd
        else:
            print(f"{name}: not installed at {cmd[0]}; skipped")
    runs = {name: [] for name in tools}
    for _ in range(args.runs):
        for name, cmd in tools.items():
            runs[name].append(measure(cmd, cwd=subset))
    subset_result = {}
    ours = statistics.median(r[0] for r in runs["proven"])
    print(f"subset {sub_size / 1e6:.1f} MB, median of {args.runs} alternating runs:")
    for name, rs in runs.items():
        wall = statistics.median(r[0] for r in rs)
        top = peak(r[1] for r in rs)
        cpu = cpu_seconds(tools[name], cwd=subset)
        subset_result[name] = {"s": wall, "cpu_s": cpu, "peak_mb": top, "ratio": wall / ours}
        print(f"  {name:<15} {wall:8.2f} s  {sub_size / 1e9 / wall:8.4f} GB/s  CPU {cpu:7.2f} s  "
              f"peak {mb(top, 6, 0)} MB  {wall / ours:6.0f}x proven's time")
    pw = subset_result.get("detect-secrets", {}).get("s")
    if pw:
        print(f"full-tree ratio vs detect-secrets (scaled from the subset): {(pw / sub_size * size) / w:.0f}x")

    history = bench_history(proven, args.runs)

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
        "tree_bytes": size, "proven_s": w, "proven_cpu_s": cpu, "load_average": load, "proven_gbps": size / 1e9 / w, "proven_peak_mb": peak(mems),
        "subset_bytes": sub_size, "subset": subset_result, "history": history,
        "proven": score(ours, truth, "proven"), "detect-secrets": score(theirs, truth, "detect-secrets"),
    }
    os.makedirs(os.path.join(root, "bench", "out"), exist_ok=True)
    with open(os.path.join(root, "bench", "out", "secrets.json"), "w") as f:
        json.dump(result, f, indent=2)


if __name__ == "__main__":
    main()
