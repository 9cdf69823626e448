#!/usr/bin/env bash
# Installs cargo-audit 0.22.2, the peer of the differential test crates/proven/tests/cargo_audit.rs,
# and prints its path. Uses the one on PATH or the one ../shared/peers/install.sh put in
# $PEERS_ROOT/bin, else builds it once into .tools/cargo (several minutes). The test makes the
# advisory-db git checkout it reads itself, from $PROVEN_TESTDATA/data/rustsec.
set -euo pipefail
cd "$(dirname "$0")/.."
for c in "$(command -v cargo-audit || true)" "${PEERS_ROOT:-/opt/peers}/bin/cargo-audit"; do
  if [ -n "$c" ] && [ -x "$c" ]; then
    echo "$c"
    exit 0
  fi
done
if [ ! -x .tools/cargo/bin/cargo-audit ]; then
  cargo install --quiet --locked cargo-audit --version 0.22.2 --root .tools/cargo >&2
fi
echo "$PWD/.tools/cargo/bin/cargo-audit"
