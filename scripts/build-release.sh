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
set -euo pipefail
cd "$(dirname "$0")/.."
host="$(rustc -vV | sed -n 's/^host: //p')"
target_dir="${CARGO_TARGET_DIR:-target}"
case "$host" in
  *-linux-gnu)
    RUSTFLAGS="${RUSTFLAGS:-} -C target-feature=+crt-static" \
      cargo build --release -q -p proven --target "$host" >&2
    echo "$(cd "$target_dir" && pwd)/$host/release/proven"
    ;;
  *)
    cargo build --release -q -p proven >&2
    echo "$(cd "$target_dir" && pwd)/release/proven"
    ;;
esac
