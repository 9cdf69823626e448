#!/usr/bin/env python3
"""proven sbom versus trivy on container images, side by side in one run.

    python3 bench/image.py [--runs N] [--rootfs DIR] [--include PATH ...] [--workdir DIR]

Packs a root filesystem (default: about 290 MB of this machine: dpkg's database, Python 3, Perl,
libLLVM; or any rootfs, a debootstrap one say) with scripts/make-image-fixtures.py into images of
four layers: a docker-save archive (plain layers), OCI layout folders (gzip, zstd) and an OCI
layout tarball (gzip; trivy does not read that one). Then runs `proven sbom` and `trivy image --input` (CycloneDX, offline)
on each, alternating, and reports median wall-clock, peak RSS, their ratios, and how many
components each found. The images are written under --workdir (default a temporary folder) and
never committed.
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from urllib.parse import unquote

from common import compare, release_binary, repo_root

DEFAULT_INCLUDE = [
    "etc/os-release", "usr/lib/os-release", "etc/debian_version", "var/lib/dpkg", "usr/lib/python3", "usr/lib/python3.11", "usr/sbin",
    "usr/lib/x86_64-linux-gnu/perl", "usr/lib/x86_64-linux-gnu/gconv",
    "usr/lib/x86_64-linux-gnu/libLLVM-14.so.1", "usr/share/perl5",
]


def load(path):
    try:
        with open(path) as f:
            return json.load(f).get("components", [])
    except (OSError, ValueError):
        return None


def package_key(component):
    """(name, version without epoch, arch) from a purl: trivy writes the dpkg epoch as a purl
    qualifier, we write it in the version, and without an os-release trivy's type is `none`."""
    m = re.match(r"pkg:[^/]+/(?:[^/]+/)?([^@]+)@([^?#]+)(?:\?([^#]*))?", component.get("purl") or "")
    if not m:
        return None
    name, version, qualifiers = (unquote(g or "") for g in m.groups())
    arch = dict(q.split("=", 1) for q in qualifiers.split("&") if "=" in q).get("arch")
    return name, re.sub(r"^\d+:", "", version), arch


def agreement(ours_out, peer_out):
    """Counts of both component lists and how their packages compare."""
    ours, peer = load(ours_out), load(peer_out)
    if ours is None or peer is None:
        return None
    non_packages = [f"{c.get('type')} `{c.get('name')}` {c.get('version') or ''}".strip()
                    for c in peer if not c.get("purl")]
    o = {package_key(c) for c in ours} - {None}
    p = {package_key(c) for c in peer} - {None}
    return {"ours": len(ours), "peer": len(peer), "both": len(o & p), "only_ours": sorted(o - p),
            "only_peer": sorted(p - o), "peer_non_packages": non_packages}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--rootfs", default="/")
    ap.add_argument("--include", nargs="*")
    ap.add_argument("--workdir")
    args = ap.parse_args()
    root = repo_root()
    peers = os.environ.get("PEERS_ROOT", "/opt/peers")
    trivy = os.path.join(peers, "bin", "trivy")
    proven = release_binary()
    work = args.workdir or tempfile.mkdtemp(prefix="proven-image-bench-")
    os.makedirs(work, exist_ok=True)
    include = args.include if args.include is not None else (DEFAULT_INCLUDE if args.rootfs == "/" else None)
    packer = os.path.join(root, "scripts", "make-image-fixtures.py")
    # (label, file, packer options, whether trivy reads it: this trivy build exits 1 on OCI
    # layout tarballs, so that case is ours alone).
    images = [
        ("docker-save, plain layers", "docker.tar", ["--format", "docker"], True),
        ("OCI folder, gzip layers", "oci-gzip", ["--format", "oci-dir", "--compression", "gzip"], True),
        ("OCI folder, zstd layers", "oci-zstd", ["--format", "oci-dir", "--compression", "zstd"], True),
        ("OCI tarball, gzip layers", "oci-gzip.tar", ["--format", "oci-tar", "--compression", "gzip"], False),
    ]
    for _, name, fmt, _ in images:
        out = os.path.join(work, name)
        if not os.path.exists(out):
            cmd = [sys.executable, packer, "pack", "--rootfs", args.rootfs, "--out", out,
                   "--layers", "4", "--tag", "bench/image:1"] + fmt
            if include:
                cmd += ["--include"] + include
            subprocess.run(cmd, check=True)
    have_peer = os.path.exists(trivy)
    if not have_peer:
        print(f"trivy not found at {trivy}: run `bash ../shared/peers/install.sh` (peer columns left empty)")
    cache = os.path.join(work, "trivy-cache")
    cases = []
    outputs = []
    for label, name, _, trivy_reads in images:
        path = os.path.join(work, name)
        ours_out = os.path.join(work, f"ours-{name}.cdx.json")
        peer_out = os.path.join(work, f"trivy-{name}.cdx.json")
        ours = [proven, "sbom", path, "-q", "-o", ours_out]
        peer = None
        if have_peer and trivy_reads:
            peer = [trivy, "image", "--input", path, "--format", "cyclonedx", "--offline-scan",
                    "--skip-db-update", "--cache-dir", cache, "--quiet", "-o", peer_out]
        cases.append((label, ours, peer, None))
        outputs.append((label, ours_out, peer_out))
    # Trivy caches analysed layers by digest: clear the cache before every run so that each run
    # reads the image, as ours does.
    cold = []
    for label, ours, peer, cwd in cases:
        if peer:
            peer = ["sh", "-c", 'rm -rf "$0" && exec "$@"', cache] + peer
        cold.append((label, ours, peer, cwd))
    compare(cold, runs=args.runs)
    print()
    print(f"{'image':<46} {'ours':>6} {'trivy':>6} {'same':>6} {'only ours':>9} {'only trivy':>10}  trivy's other components")
    for label, ours_out, peer_out in outputs:
        a = agreement(ours_out, peer_out)
        if a is None:
            print(f"{label:<46} {len(load(ours_out) or [])!s:>6}")
            continue
        print(f"{label:<46} {a['ours']:>6} {a['peer']:>6} {a['both']:>6} {len(a['only_ours']):>9} "
              f"{len(a['only_peer']):>10}  {', '.join(a['peer_non_packages']) or '-'}")
        for side in ("only_ours", "only_peer"):
            for k in a[side][:10]:
                print(f"    {side.replace('_', ' ')}: {k}")
    print("Packages are compared by (name, version without epoch, arch). trivy adds one component that")
    print("is not a package: the operating system (type operating-system, `debian` 12.x here; `none` when")
    print("it finds no etc/debian_version). proven writes no such component (the distribution is in each")
    print("purl's `distro` qualifier), so trivy's count is one higher on the same packages.")
    if not args.workdir:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
