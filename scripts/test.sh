#!/usr/bin/env bash
# Runs the whole test suite the way CI does: installs the independent validators the tests call,
# then every test of the workspace. Shared data comes from PROVEN_TESTDATA (default ../shared);
# without it the tests that need it skip and say why.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${PROVEN_TESTDATA:-}" ] && [ -d ../shared ]; then
  PROVEN_TESTDATA="$(cd ../shared && pwd)"
  export PROVEN_TESTDATA
fi
bash scripts/install-test-tools.sh
# The installed-file-system fixtures (a debootstrap rootfs, an rpm database, Go and Rust
# binaries), built once and cached in .cache/rootfs; the tests that need them skip without them.
bash scripts/make-rootfs-fixtures.sh || echo "rootfs fixtures were not built; the tests that need them skip" >&2
export PATH="$PWD/.tools/venv/bin:$PATH"
export PROVEN_PYTHON="$PWD/.tools/venv/bin/python"
if [ -z "${PROVEN_CARGO_AUDIT:-}" ]; then
  for c in "$(command -v cargo-audit || true)" "${PEERS_ROOT:-/opt/peers}/bin/cargo-audit" "$PWD/.tools/cargo/bin/cargo-audit"; do
    if [ -n "$c" ] && [ -x "$c" ]; then
      export PROVEN_CARGO_AUDIT="$c"
      break
    fi
  done
fi
cargo nextest run --workspace --no-fail-fast
