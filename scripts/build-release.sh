#!/usr/bin/env bash
# Builds the binary we ship and prints its path.
#
# On Linux with glibc it is a static PIE: one file with no shared libraries to find at start,
# still loaded at a random address. A static glibc (2.34 and later) resolves host names from
# /etc/hosts and DNS itself; only other NSS sources (LDAP, mDNS) would be out of reach.
# Starting without the dynamic loader saves about half a millisecond per run, a tenth of a
# lockfile scan. Elsewhere it is the ordinary release build.
#
# The static flag needs an explicit --target: given to the host's own build it would also apply
# to the proc-macro crates, which cannot be built statically. So the binary lands under
# target/<host triple>/release.
#
# What it prints is a copy in target/dist, the file as an install (a download, `cargo install`, a
# package) writes it: the linker fills the page cache with small pieces of the file as it writes,
# and each start of that very file takes some 45 more page faults to map the code (about a tenth
# of a Cargo.lock scan on a virtual machine).
set -euo pipefail
cd "$(dirname "$0")/.."
host="$(rustc -vV | sed -n 's/^host: //p')"
target_dir="${CARGO_TARGET_DIR:-target}"
case "$host" in
  *-linux-gnu)
    RUSTFLAGS="${RUSTFLAGS:-} -C target-feature=+crt-static" \
      cargo build --release -q -p proven --target "$host" >&2
    built="$target_dir/$host/release/proven"
    ;;
  *)
    cargo build --release -q -p proven >&2
    built="$target_dir/release/proven"
    ;;
esac
mkdir -p "$target_dir/dist"
# A new file each time (not a rewrite of one a running process may have mapped).
cp "$built" "$target_dir/dist/proven.tmp"
mv -f "$target_dir/dist/proven.tmp" "$target_dir/dist/proven"
echo "$(cd "$target_dir/dist" && pwd)/proven"
