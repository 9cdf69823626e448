#!/usr/bin/env python3
"""proven sbom versus cdxgen, side by side in one run, on the shared lockfile corpus.

    python3 bench/sbom.py [--runs N]

Needs the release build (built here), PROVEN_TESTDATA (default ../shared) and cdxgen from
../shared/peers (PEERS_ROOT, default /opt/peers). Reports median wall-clock and peak RSS of each,
and their ratios. cdxgen runs with its no-install options, per its documentation.
"""
import argparse
import os
import shutil
import sys
import tempfile

from common import compare, measure, release_binary, repo_root

# Format folder of the corpus → cdxgen project type.
CDX_TYPES = {
    "cargo": "rust", "npm": "js", "pnpm": "js", "yarn-v1": "js", "yarn-berry": "js",
    "pip-requirements": "python", "pipenv": "python", "poetry": "python", "uv": "python",
    "go": "go", "bundler": "ruby", "composer": "php", "nuget": "dotnet", "gradle": "gradle",
    "maven": "java",
}
LARGE = [
    "npm/mozilla__pdf.js", "yarn-berry/jestjs__jest", "uv/fastapi__fastapi", "cargo/nushell__nushell",
    "composer/firefly-iii__firefly-iii", "pnpm/vitejs__vite", "go/prometheus__prometheus",
]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    root = repo_root()
    data = os.environ.get("PROVEN_TESTDATA", os.path.join(root, "..", "shared"))
    corpus = os.path.join(data, "corpus", "lockfiles")
    peers = os.environ.get("PEERS_ROOT", "/opt/peers")
    cdxgen = os.path.join(peers, "bin", "cdxgen")
    proven = release_binary()
    out = tempfile.mkdtemp()
    have_peer = os.path.exists(cdxgen)
    if not have_peer:
        print(f"cdxgen not found at {cdxgen}: run `bash ../shared/peers/install.sh` (peer columns left empty)")

    def ours(path):
        return [proven, "sbom", path, "-q", "-o", os.path.join(out, "ours.json")]

    def peer(path, ty):
        if not have_peer:
            return None
        cmd = [cdxgen, "--no-install-deps", "--spec-version", "1.6", "-o", os.path.join(out, "cdx.json")]
        if ty:
            cmd += ["-t", ty]
        else:
            cmd += ["-r"]
        return cmd + [path]

    cases = [("whole corpus tree", ours(corpus), peer(corpus, None), None)]
    for rel in LARGE:
        d = os.path.join(corpus, rel)
        cases.append((rel, ours(d), peer(d, CDX_TYPES[rel.split("/")[0]]), None))
    lock1000 = os.path.join(root, "bench", "data", "npm-large", "package-lock.json")
    if os.path.exists(lock1000):
        cases.append(("package-lock.json, 1,394 packages", ours(lock1000), None, None))
    env = dict(os.environ, NODE_NO_WARNINGS="1", CDXGEN_NO_BANNER="true", FETCH_LICENSE="false")
    os.environ.update(env)
    compare(cases, runs=args.runs)
    shutil.rmtree(out, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
