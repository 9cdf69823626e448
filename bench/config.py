"""proven config side by side with checkov and hadolint: agreement per rule concept (through the
checkov/hadolint id columns of our rule table) and wall-clock time on the same trees.

Usage: python3 bench/config.py [--runs N]   (needs a release build: cargo build --release -p proven)
"""
import collections
import json
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import compare, repo_root  # noqa: E402

ROOT = repo_root()
PROVEN = os.path.join(os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target")), "release", "proven")
CHECKOV = "/opt/peers/bin/checkov"
HADOLINT = "/opt/peers/bin/hadolint"
FIXTURES = os.path.join(ROOT, "crates/proven-checks/tests/fixtures/config")
SAMPLES = os.path.join(ROOT, "bench/data/config")
RULE_RE = re.compile(r'r\("([a-z0-9-]+)",\s*\w,\s*\w+,\s*"[^"]*",\s*"[^"]*",\s*"[^"]*",\s*"([^"]*)"', re.S)


def rule_table():
    src = open(os.path.join(ROOT, "crates/proven-checks/src/config/rules.rs")).read()
    peers = {}
    for rid, ids in RULE_RE.findall(src):
        for p in ids.split():
            peers.setdefault(p, set()).add(rid)
    return peers


def proven(tree):
    out = subprocess.run([PROVEN, "config", tree, "--format", "json"], capture_output=True, text=True).stdout
    found = set()
    for f in json.loads(out or '{"findings": []}')["findings"]:
        if f["status"]["status"] == "open":
            found.add((os.path.basename(f["location"]["path"]), f["code"]))
    return found


def checkov(tree, peers):
    out = subprocess.run([CHECKOV, "-d", tree, "--skip-download", "--quiet", "--compact", "-o", "json"],
                         capture_output=True, text=True).stdout
    try:
        data = json.loads(out)
    except json.JSONDecodeError:
        return set(), set()
    reports = data if isinstance(data, list) else [data]
    mapped, unmapped = set(), set()
    for rep in reports:
        for f in rep.get("results", {}).get("failed_checks", []):
            name = os.path.basename(f.get("file_path", ""))
            ids = peers.get(f["check_id"])
            if ids:
                mapped.update((name, r) for r in ids)
            else:
                unmapped.add((name, f["check_id"]))
    return mapped, unmapped


def hadolint(tree, peers):
    mapped, unmapped = set(), set()
    for dirpath, _, files in os.walk(tree):
        for fn in files:
            if not (fn == "Dockerfile" or fn.endswith(".Dockerfile")):
                continue
            out = subprocess.run([HADOLINT, "--no-fail", "-f", "json", os.path.join(dirpath, fn)],
                                 capture_output=True, text=True).stdout
            for f in json.loads(out or "[]"):
                ids = peers.get(f["code"])
                if ids:
                    mapped.update((fn, r) for r in ids)
                else:
                    unmapped.add((fn, f["code"]))
    return mapped, unmapped


def agreement(trees, out=print):
    peers = rule_table()
    rows = collections.defaultdict(lambda: [0, 0, 0])  # both, only proven, only peer
    for tree in trees:
        ours = proven(tree)
        ck, ck_un = checkov(tree, peers)
        hl, hl_un = hadolint(tree, peers)
        theirs = ck | hl
        covered = {r for ids in peers.values() for r in ids}
        for item in ours | theirs:
            rid = item[1]
            if rid not in covered:
                continue
            if item in ours and item in theirs:
                rows[rid][0] += 1
            elif item in ours:
                rows[rid][1] += 1
            else:
                rows[rid][2] += 1
        out(f"{tree}: checkov ids without a proven rule: {sorted({c for _, c in ck_un})}")
        out(f"{tree}: hadolint ids without a proven rule: {sorted({c for _, c in hl_un})}")
    out(f"{'rule':<36} {'both':>5} {'proven only':>12} {'peer only':>10}")
    for rid in sorted(rows):
        b, o, p = rows[rid]
        out(f"{rid:<36} {b:>5} {o:>12} {p:>10}")


def main():
    runs = int(sys.argv[sys.argv.index("--runs") + 1]) if "--runs" in sys.argv else 3
    samples = [os.path.join(SAMPLES, d) for d in sorted(os.listdir(SAMPLES))]
    agreement([FIXTURES] + samples)
    cases = [(f"checkov vs proven: {os.path.relpath(t, ROOT)}",
              [PROVEN, "config", t, "--format", "json"],
              [CHECKOV, "-d", t, "--skip-download", "--quiet", "--compact", "-o", "json"], None)
             for t in [FIXTURES] + samples]
    compare(cases, runs=runs)


if __name__ == "__main__":
    main()
