#!/usr/bin/env python3
"""proven scan versus cargo audit, side by side in one run, on the same RustSec snapshot.

    python3 bench/scan.py [--runs N] [--components N]

Needs PROVEN_TESTDATA (default ../shared) and cargo-audit (PROVEN_CARGO_AUDIT, else on PATH, else
$PEERS_ROOT/bin, PEERS_ROOT default /opt/peers); builds the release binary first (CARGO_TARGET_DIR
is honoured). Everything happens in a temporary folder:

- `proven db update --source $PROVEN_TESTDATA/data/osv`, every ecosystem there, into a fresh
  folder each run (goal < 3 s); the last import serves the scans;
- `proven scan --offline --format json` against `cargo audit --no-fetch --no-yanked --json --db`
  on the largest Cargo.lock of the corpus (goal: 10× faster). cargo-audit reads a git checkout
  of `data/rustsec/advisory-db` made here with the git CLI; `data/osv/crates.io` is RustSec's own
  OSV export of the same snapshot. `--no-yanked` because the yanked check asks the crates.io
  index, which is neither offline nor part of either database;
- `proven scan --offline` of a generated 5,000-component CycloneDX 1.6 SBOM, as a table and as
  JSON (goal < 100 ms including process start, peak RSS < 100 MB): every registry package of the
  corpus's Cargo.lock, poetry.lock, uv.lock, Pipfile.lock, pinned requirements and go.sum files,
  then every other package the OSV records name at a version their first range introduces (so
  that the scan has real findings), then the first fixed versions of those, up to the count.

Medians over --runs runs (ours and the peer alternating), the fastest wall time, median CPU time
(user + system: on a shared machine the wall time mostly measures the other tenants) and the
largest peak RSS (each command run once more under GNU time for it: see common.run).
"""
import argparse
import collections
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import tomllib
import zipfile
from urllib.parse import quote

from common import compare, mb, peak, release_binary, repo_root, run

CRATES_IO = "registry+https://github.com/rust-lang/crates.io-index"


def find_cargo_audit(peers):
    given = os.environ.get("PROVEN_CARGO_AUDIT")
    if given:
        return given
    return shutil.which("cargo-audit") or next(
        (p for p in [os.path.join(peers, "bin", "cargo-audit")] if os.path.exists(p)), None
    )


def advisory_db_checkout(data, into):
    """cargo-audit reads a git repository: commit the snapshot into one."""
    shutil.copytree(os.path.join(data, "data", "rustsec", "advisory-db"), into)
    git = ["git", "-C", into, "-c", "user.name=snapshot", "-c", "user.email=snapshot@localhost"]
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-qm", "RustSec snapshot"]):
        subprocess.run(git + args, check=True)


def largest_cargo_lock(corpus):
    locks = []
    for project in sorted(os.listdir(os.path.join(corpus, "cargo"))):
        path = os.path.join(corpus, "cargo", project, "Cargo.lock")
        if os.path.exists(path):
            with open(path, "rb") as f:
                locks.append((len(tomllib.load(f).get("package", [])), path))
    return max(locks)


def purl(eco, name, version):
    if eco == "crates.io":
        return f"pkg:cargo/{quote(name)}@{quote(version)}"
    if eco == "PyPI":
        return f"pkg:pypi/{quote(re.sub(r'[-_.]+', '-', name).lower())}@{quote(version)}"
    segments = "/".join(quote(s) for s in name.split("/"))
    return f"pkg:golang/{segments}@{quote(version)}"


def corpus_packages(corpus):
    """(ecosystem, name, version) of every registry package in the corpus lockfiles we match."""
    out = []

    def projects(folder, file):
        base = os.path.join(corpus, folder)
        for p in sorted(os.listdir(base)):
            path = os.path.join(base, p, file)
            if os.path.exists(path):
                yield path

    for folder, file, eco in [("cargo", "Cargo.lock", "crates.io"), ("poetry", "poetry.lock", "PyPI"),
                              ("uv", "uv.lock", "PyPI")]:
        for path in projects(folder, file):
            with open(path, "rb") as f:
                for p in tomllib.load(f).get("package", []):
                    if eco == "crates.io" and not str(p.get("source", "")).startswith("registry+"):
                        continue
                    if "name" in p and "version" in p:
                        out.append((eco, p["name"], p["version"]))
    for path in projects("pipenv", "Pipfile.lock"):
        with open(path) as f:
            lock = json.load(f)
        for section in ("default", "develop"):
            for name, p in lock.get(section, {}).items():
                if str(p.get("version", "")).startswith("=="):
                    out.append(("PyPI", name, p["version"][2:]))
    for path in projects("pip-requirements", "main.txt"):
        out += pins(path)
    for path in projects("pip-requirements", "requirements.txt"):
        out += pins(path)
    # Every module version go.sum names, those it holds only the go.mod of included: all are real
    # releases in the module graph.
    for path in projects("go", "go.sum"):
        with open(path) as f:
            for line in f:
                fields = line.split()
                if len(fields) >= 2:
                    out.append(("Go", fields[0], fields[1].removesuffix("/go.mod")))
    return out


def pins(path):
    """`name==version` lines of a requirements file."""
    with open(path) as f:
        found = (re.match(r"^([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^]]*\])?==([^\s;\\]+)", line) for line in f)
        return [("PyPI", m.group(1), m.group(2)) for m in found if m]


def osv_packages(data):
    """("affected" | "fixed", ecosystem, name, version) per affected package of every OSV record:
    the first version its first non-GIT range introduces (else the first it lists), and the first
    version that range fixes."""
    out = []
    for eco in ("PyPI", "Go", "crates.io"):
        with zipfile.ZipFile(os.path.join(data, "data", "osv", eco, "all.zip")) as z:
            for entry in sorted(z.namelist()):
                record = json.loads(z.read(entry))
                for a in record.get("affected", []):
                    ranges = [r for r in a.get("ranges", []) if r.get("type") != "GIT"]
                    events = ranges[0].get("events", []) if ranges else []
                    introduced = [e["introduced"] for e in events if e.get("introduced") not in (None, "0")]
                    fixed = [e["fixed"] for e in events if "fixed" in e]
                    first = (introduced + a.get("versions", [])[:1])[:1]
                    for v, at in [(v, "affected") for v in first] + [(v, "fixed") for v in fixed[:1]]:
                        out.append((at, eco, a["package"]["name"], "v" + v if eco == "Go" else v))
    return out


def write_sbom(path, packages):
    components = [{"type": "library", "bom-ref": p, "name": name, "version": version, "purl": p}
                  for eco, name, version in packages for p in [purl(eco, name, version)]]
    doc = {
        "bomFormat": "CycloneDX",
        "specVersion": "1.6",
        "serialNumber": "urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79",
        "version": 1,
        "metadata": {"timestamp": "2026-01-01T00:00:00Z",
                     "component": {"type": "application", "bom-ref": "bench", "name": "bench"}},
        "components": components,
    }
    with open(path, "w") as f:
        json.dump(doc, f, indent=1)


def sbom_packages(data, want):
    """The corpus packages, then one version of each package the OSV records name, as an SBOM
    lists one version of most packages."""
    chosen, seen, named = [], set(), set()
    for eco, name, version in corpus_packages(os.path.join(data, "corpus", "lockfiles")):
        named.add((eco, name))
        if purl(eco, name, version) not in seen:
            seen.add(purl(eco, name, version))
            chosen.append((eco, name, version))
    osv = osv_packages(data)
    for eco, name, version in [p[1:] for p in osv if p[0] == "affected"]:
        if (eco, name) not in named:
            named.add((eco, name))
            seen.add(purl(eco, name, version))
            chosen.append((eco, name, version))
    # Then patched releases of the same packages, which a real SBOM holds as well.
    for eco, name, version in [p[1:] for p in osv if p[0] == "fixed"]:
        if purl(eco, name, version) not in seen:
            seen.add(purl(eco, name, version))
            chosen.append((eco, name, version))
    return chosen[:want]


def alone(label, cmd, runs, before=None, ok=(0,), goal=""):
    """A case without a peer: median and fastest wall time, median CPU time, peak RSS."""
    results = []
    for _ in range(runs):
        r = run(cmd, before=before)
        if r.code not in ok:
            sys.exit(f"{' '.join(cmd)} exited {r.code}")
        results.append(r)
    wall = [r.wall * 1000 for r in results]
    cpu = statistics.median(r.cpu for r in results) * 1000
    print(f"{label:<44} wall median {statistics.median(wall):>6.0f} ms (fastest {min(wall):.0f}), "
          f"CPU median {cpu:>5.0f} ms, peak RSS {mb(peak(r.mb for r in results), 6)} MB{goal}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--components", type=int, default=5000)
    args = ap.parse_args()
    root = repo_root()
    data = os.path.abspath(os.environ.get("PROVEN_TESTDATA", os.path.join(root, "..", "shared")))
    peers = os.environ.get("PEERS_ROOT", "/opt/peers")
    cargo_audit = find_cargo_audit(peers)
    proven = release_binary()
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs; {args.runs} runs each")
    tmp = tempfile.mkdtemp(prefix="proven-bench-scan-")
    try:
        db = os.path.join(tmp, "db")
        osv = os.path.join(data, "data", "osv")
        alone("proven db update --source data/osv", [proven, "db", "update", "--source", osv, "--db", db, "-q"],
              args.runs, before=lambda: shutil.rmtree(db, ignore_errors=True), goal="; goal < 3 s")
        status = json.loads(subprocess.run([proven, "db", "status", "--db", db, "--json"],
                                           capture_output=True, check=True).stdout)
        eco = status["snapshot"]["ecosystems"]
        print("  (a fresh folder each run) imported: "
              + ", ".join(f"{k} {v['records']} records" for k, v in sorted(eco.items())))

        packages, lock = largest_cargo_lock(os.path.join(data, "corpus", "lockfiles"))
        ours = [proven, "scan", lock, "--offline", "--db", db, "--format", "json"]
        peer = None
        print(f"\n{os.path.relpath(lock, data)}, {packages} packages:")
        if cargo_audit:
            adb = os.path.join(tmp, "advisory-db")
            advisory_db_checkout(data, adb)
            peer = [cargo_audit, "audit", "--db", adb, "--no-fetch", "--no-yanked", "--json", "-f", lock]
            kinds = collections.Counter(f["kind"] for f in json.loads(
                subprocess.run(ours, capture_output=True).stdout)["findings"])
            theirs = json.loads(subprocess.run(peer, capture_output=True).stdout)
            warnings = sum(len(v) for v in theirs["warnings"].values())
            print(f"  proven: {kinds['vulnerability']} vulnerabilities, {kinds['advisory']} advisories; "
                  f"cargo-audit: {theirs['vulnerabilities']['count']} vulnerabilities, {warnings} warnings")
        else:
            print(f"  cargo-audit not found (PROVEN_CARGO_AUDIT, PATH, {peers}/bin): peer columns left empty")
        compare([("proven scan vs cargo audit (goal 10×)", ours, peer, None)], runs=args.runs)

        sbom = os.path.join(tmp, "sbom.cdx.json")
        chosen = sbom_packages(data, args.components)
        write_sbom(sbom, chosen)
        scan = [proven, "scan", sbom, "--offline", "--db", db]
        result = subprocess.run(scan + ["--format", "json"], capture_output=True)
        report = json.loads(result.stdout)
        kinds = collections.Counter(e for e, _, _ in chosen)
        print(f"\nCycloneDX 1.6 SBOM, {len(chosen)} components ("
              + ", ".join(f"{k} {v}" for k, v in sorted(kinds.items()))
              + f"; {os.path.getsize(sbom) / 1e6:.1f} MB): {len(report['findings'])} findings, "
              f"{len(report['unmatched'])} not evaluated")
        # Exit 1 (policy) and 3 (incomplete) are results of a scan, not failures.
        for fmt in ("table", "json"):
            alone(f"proven scan --format {fmt}", scan + ["--format", fmt], args.runs, ok=(0, 1, 3),
                  goal="; goal < 100 ms, < 100 MB")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
