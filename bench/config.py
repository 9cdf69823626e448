#!/usr/bin/env python3
"""proven config side by side with checkov, trivy config and hadolint, in one run.

    python3 bench/config.py [--runs N] [--projects N] [--no-timing] [--no-agreement]

Trees: the rule fixtures (crates/proven-checks/tests/fixtures/config, each copied into a folder
of its own so no two share a Terraform module or a checkov graph), the hand-written sample
projects (bench/data/config/*) and a generated corpus (bench/config_corpus.py, fixed seed, written
to /tmp/proven-config-bench) of Dockerfiles, compose files, Kubernetes manifests and Terraform.

1. Agreement. Every rule names the ids of the same check in the peers (the `peers` column of
   crates/proven-checks/src/config/rules.rs). Per rule and peer: files both flag, files only we
   flag, files only the peer flags (with examples in bench/out/config-agreement.json).
2. Mapping check, on the fixtures: for each rule, which of its mapped peer ids fire on its `.bad.`
   fixture and which (wrongly) on its `.good.` one; peer ids that fire on the bad fixture but not
   the good one and are not mapped are listed as candidates.
3. Speed and memory on the same trees: median wall-clock and CPU seconds, peak RSS, ratios.

Needs the peers from ../shared/peers (PEERS_ROOT, default /opt/peers) and builds the release binary.
checkov runs with --framework dockerfile kubernetes terraform terraform_json (the file kinds we read;
its other frameworks, secrets included, would only slow it down).
"""
import argparse
import collections
import json
import os
import re
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import compare, release_binary, repo_root  # noqa: E402
import config_corpus  # noqa: E402

ROOT = repo_root()
# The binary we ship; main() builds it.
PROVEN = None
PEERS = os.path.join(os.environ.get("PEERS_ROOT", "/opt/peers"), "bin")
CHECKOV = os.path.join(PEERS, "checkov")
HADOLINT = os.path.join(PEERS, "hadolint")
TRIVY = os.path.join(PEERS, "trivy")
FIXTURES = os.path.join(ROOT, "crates/proven-checks/tests/fixtures/config")
SAMPLES = os.path.join(ROOT, "bench/data/config")
GENERATED = "/tmp/proven-config-bench"
# A cache of its own, so a trivy run elsewhere on the machine cannot hold the lock.
TRIVY_CONFIG = [TRIVY, "config", "--skip-policy-update", "--cache-dir", os.path.join(GENERATED, "trivy-cache"), "-q", "-f", "json"]
OUT = os.path.join(ROOT, "bench/out")
RULE_RE = re.compile(r'r\("([a-z0-9-]+)",\s*\w,\s*\w+,\s*"[^"]*",\s*"[^"]*",\s*"[^"]*",\s*"([^"]*)"', re.S)
TOOLS = ("checkov", "trivy", "hadolint")
CHECKOV_FRAMEWORKS = ["--framework", "dockerfile", "kubernetes", "terraform", "terraform_json"]


def tool_of(peer_id):
    if peer_id.startswith("CKV"):
        return "checkov"
    if peer_id.startswith("DL"):
        return "hadolint"
    if peer_id.startswith("AVD-"):
        return "trivy"
    return None  # short DS/KSV forms repeat the AVD ids; kube-linter is not installed here


def rule_table():
    """rule id → {tool: set of peer ids}, from the rule table's source."""
    src = open(os.path.join(ROOT, "crates/proven-checks/src/config/rules.rs")).read()
    rules = {}
    for rid, ids in RULE_RE.findall(src):
        m = rules.setdefault(rid, {t: set() for t in TOOLS})
        for p in ids.split():
            t = tool_of(p)
            if t:
                m[t].add(p)
    return rules


def run_json(cmd, cwd=None):
    p = subprocess.run(cmd, capture_output=True, text=True, cwd=cwd)
    try:
        return json.loads(p.stdout)
    except json.JSONDecodeError:
        sys.exit(f"{' '.join(cmd)[:300]} gave no JSON (exit {p.returncode}): {p.stderr[-2000:]}")


def proven(tree):
    """(relative path, rule id) of every open finding."""
    data = run_json([PROVEN, "config", tree, "--format", "json"])
    return {(f["location"]["path"], f["code"]) for f in data["findings"] if f["status"]["status"] == "open"}


def checkov(tree):
    data = run_json([CHECKOV, "-d", tree, "--skip-download", "--quiet", "--compact", "-o", "json"] + CHECKOV_FRAMEWORKS)
    found = set()
    for rep in data if isinstance(data, list) else [data]:
        for f in rep.get("results", {}).get("failed_checks", []):
            found.add((os.path.relpath(f["file_abs_path"], tree), f["check_id"]))
    return found


def dockerfiles(tree):
    out = []
    for dirpath, _, files in os.walk(tree):
        for fn in files:
            low = fn.lower()
            if low == "dockerfile" or low.endswith(".dockerfile") or low.startswith("dockerfile."):
                out.append(os.path.relpath(os.path.join(dirpath, fn), tree))
    return sorted(out)


def hadolint_cmd(tree):
    return [HADOLINT, "--no-fail", "-f", "json"] + dockerfiles(tree)


def hadolint(tree):
    if not dockerfiles(tree):
        return set()
    return {(f["file"], f["code"]) for f in run_json(hadolint_cmd(tree), cwd=tree)}


def trivy(tree):
    data = run_json(TRIVY_CONFIG + [tree])
    found = set()
    for res in data.get("Results") or []:
        for m in res.get("Misconfigurations") or []:
            if m.get("Status") == "FAIL":
                found.add((res["Target"], m.get("AVDID") or m["ID"]))
    return found


def fixture_tree():
    """Every fixture in a folder of its own: to the peers (and to Terraform) a folder is one
    module or project, and fixtures that reuse resource names must not meet."""
    out = os.path.join(GENERATED, "fixtures")
    shutil.rmtree(out, ignore_errors=True)
    for name in os.listdir(FIXTURES):
        os.makedirs(os.path.join(out, name))
        shutil.copy(os.path.join(FIXTURES, name), os.path.join(out, name, name))
    return out


def scan(tree):
    return {"proven": proven(tree), "checkov": checkov(tree), "trivy": trivy(tree), "hadolint": hadolint(tree)}


def unparsed(res, tool):
    """Files the peer could not parse (hadolint DL1000): its silence there says nothing."""
    return {p for p, c in res[tool] if c == "DL1000"}


def agreement(rules, results, out=print):
    """Per rule and tool: files both flag, only we flag, only the peer flags. Files the peer
    could not parse are left out of that peer's rows (and counted)."""
    rows = {}
    examples = {}
    for tree, res in results.items():
        for tool in TOOLS:
            if unparsed(res, tool):
                out(f"{tree}: {tool} could not parse {len(unparsed(res, tool))} files; left out of its rows")
    for rid, peers in sorted(rules.items()):
        for tool in TOOLS:
            ids = peers[tool]
            if not ids:
                continue
            both = ours_only = peer_only = 0
            ex = {"proven only": [], "peer only": []}
            for tree, res in results.items():
                skip = unparsed(res, tool)
                ours = {p for p, c in res["proven"] if c == rid and p not in skip}
                theirs = {p for p, c in res[tool] if c in ids}
                both += len(ours & theirs)
                ours_only += len(ours - theirs)
                peer_only += len(theirs - ours)
                ex["proven only"] += [f"{tree}/{p}" for p in sorted(ours - theirs)][:5]
                ex["peer only"] += [f"{tree}/{p} ({', '.join(sorted(c for q, c in res[tool] if q == p and c in ids))})"
                                    for p in sorted(theirs - ours)][:5]
            rows[(rid, tool)] = (both, ours_only, peer_only)
            examples[f"{rid} / {tool}"] = ex
    out(f"\n{'rule':<34} {'peer':<9} {'both':>5} {'ours only':>10} {'peer only':>10} {'agree':>6}")
    for (rid, tool), (b, o, p) in rows.items():
        agree = b / max(b + o + p, 1)
        out(f"{rid:<34} {tool:<9} {b:>5} {o:>10} {p:>10} {agree:>6.2f}")
    return rows, examples


def mapping_check(rules, res, out=print):
    """On the fixtures: mapped ids seen on the bad fixture, on the good one, and unmapped candidates."""
    report = {}
    out("\nMapping check on the fixtures (mapped ids that fire on the rule's .bad. / .good. fixture):")
    for rid, peers in sorted(rules.items()):
        files = [f for f in os.listdir(FIXTURES) if f.startswith(rid + ".")]
        bad = {f for f in files if ".bad." in f}
        good = {f for f in files if ".good." in f}
        entry = {}
        for tool in TOOLS:
            on_bad = {c for p, c in res[tool] if os.path.basename(p) in bad}
            on_good = {c for p, c in res[tool] if os.path.basename(p) in good}
            mapped = peers[tool]
            entry[tool] = {
                "mapped": sorted(mapped),
                "seen on bad": sorted(mapped & on_bad),
                "not seen on bad": sorted(mapped - on_bad),
                "also on good": sorted(mapped & on_good),
                "unmapped candidates": sorted(on_bad - on_good - mapped),
            }
        report[rid] = entry
        parts = []
        for tool in TOOLS:
            e = entry[tool]
            if e["mapped"] or e["unmapped candidates"]:
                parts.append(f"{tool}: seen {e['seen on bad'] or '-'} unseen {e['not seen on bad'] or '-'} "
                             f"on-good {e['also on good'] or '-'} candidates {e['unmapped candidates'] or '-'}")
        if parts:
            out(f"  {rid}\n    " + "\n    ".join(parts))
    return report


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--projects", type=int, default=120)
    ap.add_argument("--no-timing", action="store_true")
    ap.add_argument("--no-agreement", action="store_true")
    ap.add_argument("--trees", default="fixtures,samples,generated", help="comma-separated subset")
    args = ap.parse_args()
    global PROVEN
    PROVEN = release_binary()
    generated = os.path.join(GENERATED, f"seed-{args.projects}")
    if not os.path.isdir(generated):
        n = config_corpus.generate(generated, args.projects)
        print(f"generated {n} files under {generated}")
    trees = {"fixtures": fixture_tree(), "samples": SAMPLES, "generated": generated}
    trees = {k: v for k, v in trees.items() if k in args.trees.split(",")}
    os.makedirs(OUT, exist_ok=True)
    if not args.no_agreement:
        rules = rule_table()
        results = {name: scan(path) for name, path in trees.items()}
        rows, examples = agreement(rules, results)
        mapping = mapping_check(rules, results["fixtures"]) if "fixtures" in results else {}
        unmapped = collections.Counter()
        mapped_ids = {i for peers in rules.values() for ids in peers.values() for i in ids}
        for res in results.values():
            for tool in TOOLS:
                unmapped.update(c for _, c in res[tool] if c not in mapped_ids)
        print("\npeer ids with no proven rule (files flagged):", ", ".join(f"{c} {n}" for c, n in unmapped.most_common()))
        with open(os.path.join(OUT, "config-agreement.json"), "w") as f:
            json.dump({"rows": {f"{r} / {t}": v for (r, t), v in rows.items()}, "examples": examples,
                       "mapping": mapping, "unmapped": dict(unmapped),
                       "results": {tree: {tool: sorted(found) for tool, found in res.items()}
                                   for tree, res in results.items()}}, f, indent=1)
        print(f"details: {os.path.relpath(os.path.join(OUT, 'config-agreement.json'), ROOT)}")
    if not args.no_timing:
        files = {name: sum(len(fs) for _, _, fs in os.walk(path)) for name, path in trees.items()}
        cases = []
        for name, path in trees.items():
            ours = [PROVEN, "config", path, "--format", "json"]
            label = f"{name} ({files[name]} files)"
            cases.append((f"{label}: checkov", ours,
                          [CHECKOV, "-d", path, "--skip-download", "--quiet", "--compact", "-o", "json"] + CHECKOV_FRAMEWORKS, None))
            cases.append((f"{label}: trivy config", ours,
                          TRIVY_CONFIG + [path], None))
            if dockerfiles(path):
                cases.append((f"{label}: hadolint (Dockerfiles)", ours, hadolint_cmd(path), path))
        print()
        compare(cases, runs=args.runs)


if __name__ == "__main__":
    main()
