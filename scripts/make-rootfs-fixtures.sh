#!/usr/bin/env bash
# Builds the installed-file-system fixtures with the real tools, cached under .cache/rootfs/
# (git-ignored); each part is skipped when its result is already there. Run by scripts/test.sh.
#
#   debian-bookworm/   debootstrap --variant=minbase bookworm (a real dpkg database, info/*.list files)
#   rpm/               an rpmdb.sqlite written by rpm itself, with 13 packages built by rpmbuild
#   go/hello           a Go binary (Debian's golang) with one module dependency served from a
#                      local file:// module proxy, so its build info carries a version and h1: sum
#   rust/hello         a Rust binary built with cargo-auditable (one crates.io dependency)
#
# The Alpine fixture is hand-written and committed (crates/proven-inventory/tests/fixtures/rootfs/alpine/):
# Alpine's package servers are not reachable from here, so apk-tools cannot write one.
#
# Needs root for debootstrap and apt-get; installs debootstrap, rpm and golang-go with apt-get and
# cargo-auditable with cargo when they are missing.
set -euo pipefail
cd "$(dirname "$0")/.."
out="$PWD/.cache/rootfs"
mkdir -p "$out"

need_apt() {
  local missing=()
  for pair in "$@"; do
    command -v "${pair%%:*}" >/dev/null 2>&1 || missing+=("${pair##*:}")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
}

# (a) Debian bookworm, minbase.
if [ ! -f "$out/debian-bookworm/.done" ]; then
  need_apt debootstrap:debootstrap
  rm -rf "$out/debian-bookworm"
  debootstrap --variant=minbase bookworm "$out/debian-bookworm" http://deb.debian.org/debian >"$out/debootstrap.log" 2>&1 \
    || { tail -20 "$out/debootstrap.log"; exit 1; }
  # The cache only needs the package database and the files it names; drop the apt lists.
  rm -rf "$out/debian-bookworm/var/cache/apt" "$out/debian-bookworm/var/lib/apt/lists"
  touch "$out/debian-bookworm/.done"
fi

# (c) rpm database written by rpm, with one package built by rpmbuild.
if [ ! -f "$out/rpm/.done" ]; then
  need_apt rpm:rpm rpmbuild:rpm
  rm -rf "$out/rpm"
  work="$(mktemp -d)"
  mkdir -p "$work/SPECS" "$work/SOURCES"
  cat >"$work/SPECS/proven-fixture.spec" <<'EOF'
Name:           proven-fixture
Version:        1.2.3
Release:        4.el9
Epoch:          1
Summary:        A package made for Proven's tests
License:        MIT AND Apache-2.0
Vendor:         Proven fixtures
BuildArch:      noarch

%description
A noarch package with two files, installed into a fresh rpm database.

%install
mkdir -p %{buildroot}/usr/share/proven-fixture %{buildroot}/usr/lib/python3.9/site-packages/demo-0.1.dist-info
echo hello > %{buildroot}/usr/share/proven-fixture/hello.txt
printf 'Metadata-Version: 2.1\nName: demo\nVersion: 0.1\n' > %{buildroot}/usr/lib/python3.9/site-packages/demo-0.1.dist-info/METADATA

%files
/usr/share/proven-fixture/hello.txt
/usr/lib/python3.9/site-packages/demo-0.1.dist-info/METADATA
EOF
  # Twelve more packages of 300 files each: headers larger than a page (SQLite overflow chains)
  # and more rows than one leaf page holds (an interior b-tree page).
  for i in $(seq -w 1 12); do
    cat >"$work/SPECS/filler-$i.spec" <<EOF
Name:           proven-filler-$i
Version:        0.$i
Release:        1
Summary:        Filler package $i
License:        MIT
BuildArch:      noarch

%description
Many files, so that the header is large.

%install
mkdir -p %{buildroot}/usr/share/proven-filler-$i
for f in \$(seq 1 300); do echo \$f > %{buildroot}/usr/share/proven-filler-$i/a-rather-long-file-name-to-grow-the-header-\$f.txt; done

%files
/usr/share/proven-filler-$i
EOF
  done
  for spec in "$work"/SPECS/*.spec; do
    rpmbuild --define "_topdir $work" -bb "$spec" >"$work/build.log" 2>&1 \
      || { tail -20 "$work/build.log"; exit 1; }
  done
  root="$out/rpm"
  mkdir -p "$root/var/lib/rpm" "$root/etc"
  rpm --root "$root" --dbpath /var/lib/rpm --initdb
  rpm --root "$root" --dbpath /var/lib/rpm -i --nodeps --noscripts --ignoreos "$work"/RPMS/noarch/*.rpm
  # rpm folds its write-ahead log into the database when it closes it; only empty files remain.
  if [ -s "$root/var/lib/rpm/rpmdb.sqlite-wal" ]; then echo "rpm left an unfolded write-ahead log" >&2; exit 1; fi
  rm -f "$root/var/lib/rpm/rpmdb.sqlite-shm" "$root/var/lib/rpm/rpmdb.sqlite-wal"
  cat >"$root/etc/os-release" <<'EOF'
NAME="Rocky Linux"
VERSION="9.4 (Blue Onyx)"
ID="rocky"
ID_LIKE="rhel centos fedora"
VERSION_ID="9.4"
PLATFORM_ID="platform:el9"
PRETTY_NAME="Rocky Linux 9.4 (Blue Onyx)"
EOF
  rm -rf "$work"
  touch "$root/.done"
fi

# (d) Go binary with build info.
if [ ! -f "$out/go/.done" ]; then
  need_apt go:golang-go
  rm -rf "$out/go"
  work="$(mktemp -d)"
  mkdir -p "$work/greet" "$work/proxy/example.com/greet/@v" "$work/hello"
  cat >"$work/greet/go.mod" <<'EOF'
module example.com/greet

go 1.19
EOF
  cat >"$work/greet/greet.go" <<'EOF'
package greet

// Hello says hello.
func Hello() string { return "hello" }
EOF
  # A file:// module proxy: the module zip holds its files under module@version/.
  (cd "$work" && mkdir -p zipsrc/example.com/greet@v0.1.0 && cp greet/* zipsrc/example.com/greet@v0.1.0/ \
    && cd zipsrc && python3 -c 'import sys,zipfile,os
z=zipfile.ZipFile(sys.argv[1],"w")
for d,_,fs in os.walk("example.com"):
    for f in sorted(fs): z.write(os.path.join(d,f))
z.close()' "$work/proxy/example.com/greet/@v/v0.1.0.zip")
  cp "$work/greet/go.mod" "$work/proxy/example.com/greet/@v/v0.1.0.mod"
  echo '{"Version":"v0.1.0","Time":"2024-01-01T00:00:00Z"}' >"$work/proxy/example.com/greet/@v/v0.1.0.info"
  echo v0.1.0 >"$work/proxy/example.com/greet/@v/list"
  cat >"$work/hello/go.mod" <<'EOF'
module example.com/hello

go 1.19

require example.com/greet v0.1.0
EOF
  cat >"$work/hello/main.go" <<'EOF'
package main

import (
	"fmt"

	"example.com/greet"
)

func main() { fmt.Println(greet.Hello()) }
EOF
  mkdir -p "$out/go"
  (cd "$work/hello" && GOPATH="$work/gopath" GOMODCACHE="$work/gopath/mod" GOCACHE="$work/cache" \
    GOPROXY="file://$work/proxy" GONOSUMDB=example.com GONOSUMCHECK=1 GOFLAGS=-mod=mod GOTOOLCHAIN=local \
    go build -trimpath -buildvcs=false -o "$out/go/hello" .)
  chmod -R u+w "$work" && rm -rf "$work"
  touch "$out/go/.done"
fi

# (e) Rust binary with cargo-auditable's dependency list.
if [ ! -f "$out/rust/.done" ]; then
  command -v cargo-auditable >/dev/null 2>&1 || cargo install --locked cargo-auditable >/dev/null 2>&1
  rm -rf "$out/rust"
  work="$(mktemp -d)"
  mkdir -p "$work/hello/src"
  cat >"$work/hello/Cargo.toml" <<'EOF'
[package]
name = "hello"
version = "0.1.0"
edition = "2021"

[dependencies]
itoa = "=1.0.11"

[profile.release]
opt-level = "z"
strip = true
EOF
  cat >"$work/hello/src/main.rs" <<'EOF'
fn main() {
    let mut buf = itoa::Buffer::new();
    println!("{}", buf.format(42));
}
EOF
  (cd "$work/hello" && CARGO_TARGET_DIR="$work/target" cargo auditable build --release -q)
  mkdir -p "$out/rust"
  cp "$work/target/release/hello" "$out/rust/hello"
  rm -rf "$work"
  touch "$out/rust/.done"
fi
echo "rootfs fixtures ready in $out"
