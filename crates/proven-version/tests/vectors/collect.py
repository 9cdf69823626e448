#!/usr/bin/env python3
"""Collect real version strings per scheme into OUT_DIR/<scheme>.txt.

Sources: the lockfiles under $PROVEN_TESTDATA/corpus/lockfiles, every version in the
OSV exports under $PROVEN_TESTDATA/data/osv (range events and `versions` lists), the
package versions known to the local Debian package database, and the hand-made edge
cases in edge/<scheme>.txt.
"""
import json
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATA = Path(os.environ.get("PROVEN_TESTDATA", HERE.parents[3] / ".." / "shared")).resolve()
LOCKS = DATA / "corpus" / "lockfiles"
OSV = DATA / "data" / "osv"

SCHEMES = ["semver", "go", "pep440", "maven", "nuget", "rubygems", "packagist", "dpkg", "rpm"]


def osv_versions(ecosystem):
    path = OSV / ecosystem / "all.zip"
    out = []
    with zipfile.ZipFile(path) as z:
        for name in sorted(z.namelist()):
            doc = json.loads(z.read(name))
            for affected in doc.get("affected", []):
                for r in affected.get("ranges", []):
                    if r.get("type") == "GIT":
                        continue
                    for event in r.get("events", []):
                        out.extend(v for k, v in sorted(event.items()) if k != "limit" or v != "*")
                out.extend(affected.get("versions", []))
    return out


def files(pattern):
    return sorted(LOCKS.glob(pattern))


def grep(pattern, paths, group=1):
    rx = re.compile(pattern, re.M)
    out = []
    for p in paths:
        out.extend(m.group(group) for m in rx.finditer(p.read_text(errors="replace")))
    return out


def npm_versions():
    out = []
    for p in files("npm/*/package-lock.json"):
        for pkg in json.loads(p.read_text()).get("packages", {}).values():
            if isinstance(pkg.get("version"), str):
                out.append(pkg["version"])
    out += grep(r"^\s+version:? \"?([0-9][^\"\s(]*)", files("yarn-*/*/yarn.lock") + files("pnpm/*/pnpm-lock.yaml"))
    out += grep(r"@(\d+\.\d+\.\d+[^:'\"()\s]*)[:'\"(]", files("pnpm/*/pnpm-lock.yaml"))
    return out


def debian_versions():
    try:
        text = subprocess.run(["apt-cache", "dumpavail"], capture_output=True, text=True).stdout
    except FileNotFoundError:
        text = ""
    out = re.findall(r"^Version: (\S+)$", text, re.M)
    text = subprocess.run(["dpkg-query", "-W", "-f", "${Version}\n"], capture_output=True, text=True).stdout
    return out + text.split()


def rpm_versions(debian):
    """RPM has no package database here: reuse Debian upstream versions with RPM-style releases."""
    out = []
    releases = ["1", "1.el8", "2.el9_3", "3.fc39", "0.1.rc1.fc40", "150400.3.6.1", "lp155.2.1", "1.module+el8.9.0+20000+abcdef12"]
    for i, v in enumerate(debian):
        epoch, _, rest = v.rpartition(":")
        upstream = rest.rsplit("-", 1)[0] if "-" in rest else rest
        upstream = upstream.replace("-", "_")
        out.append(("%s:" % epoch if epoch else "") + upstream + "-" + releases[i % len(releases)])
        out.append(upstream)
    return out


def gems():
    return grep(r"^    [A-Za-z0-9_.-]+ \(([^)\s-]+)(?:-[a-z0-9_-]+)?\)$", files("bundler/*/Gemfile.lock"))


def collect():
    debian = debian_versions()
    found = {
        "semver": npm_versions()
        + grep(r'^version = "([^"]+)"', files("cargo/*/Cargo.lock"))
        + osv_versions("crates.io"),
        "go": grep(r"^\S+ (v[^/\s]+?)(?:/go\.mod)? ", files("go/*/go.sum"))
        + grep(r"\s(v\d[^\s]*)", files("go/*/go.mod"))
        + ["v" + v for v in osv_versions("Go") if v != "0"],
        "pep440": osv_versions("PyPI")
        + grep(r'^version = "([^"]+)"', files("poetry/*/poetry.lock") + files("uv/*/uv.lock"))
        + grep(r'"version": "==([^"]+)"', files("pipenv/*/Pipfile.lock"))
        + grep(r"^[A-Za-z0-9_.-]+==([^\s;\\]+)", files("pip-requirements/*/*")),
        "maven": grep(r"<version>([^<$]+)</version>", files("maven/*/pom.xml"))
        + grep(r"^[^#=:]+:[^:=]+:([^=]+)=", files("gradle/*/gradle.lockfile")),
        "nuget": grep(r'"(?:resolved|version)": "([^"]+)"', files("nuget/*/packages.lock.json"))
        + grep(r'Version="([^"$]+)"', files("nuget/*/*.csproj")),
        "rubygems": gems(),
        "packagist": grep(r'^            "version": "([^"]+)"', files("composer/*/composer.lock")),
        "dpkg": debian,
        "rpm": rpm_versions(debian),
    }
    return found


def main(out_dir):
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    for scheme, versions in collect().items():
        edge = (HERE / "edge" / f"{scheme}.txt").read_text().splitlines()
        edge = [e for e in edge if e and not e.startswith("#")]
        seen = {}
        for v in edge + versions:
            # Tabs, newlines and surrounding spaces cannot be stored in the vector format.
            if v != v.strip() or re.search(r"[\t\r\n]", v) or not v:
                continue
            seen.setdefault(v, None)
        (out_dir / f"{scheme}.txt").write_text("".join(v + "\n" for v in seen))
        (out_dir / f"{scheme}.edge.txt").write_text("".join(v + "\n" for v in edge if v in seen))
        print(f"{scheme}: {len(seen)} distinct versions", file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv[1])
