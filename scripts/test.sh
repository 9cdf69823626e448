#!/usr/bin/env bash
# Runs the whole test suite the way CI does: installs the independent validators and peers the
# tests call, then every test of the workspace. Shared data comes from PROVEN_TESTDATA (default
# ../shared); without it the tests that need it skip and say why.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${PROVEN_TESTDATA:-}" ] && [ -d ../shared ]; then
  PROVEN_TESTDATA="$(cd ../shared && pwd)"
  export PROVEN_TESTDATA
fi
mkdir -p .tools
# cargo-audit may need building (CPU); it runs beside the downloads below (network and disk).
audit_log=.tools/install-cargo-audit.log
if [ -z "${PROVEN_CARGO_AUDIT:-}" ]; then
  bash scripts/install-cargo-audit.sh >"$audit_log.path" 2>"$audit_log" &
  audit_pid=$!
fi
bash scripts/install-test-tools.sh
# The installed-file-system fixtures (a debootstrap rootfs, an rpm database, Go and Rust
# binaries), built once and cached in .cache/rootfs; the tests that need them skip without them.
bash scripts/make-rootfs-fixtures.sh || echo "rootfs fixtures were not built; the tests that need them skip" >&2
if [ -n "${audit_pid:-}" ]; then
  if wait "$audit_pid"; then
    PROVEN_CARGO_AUDIT="$(cat "$audit_log.path")"
    export PROVEN_CARGO_AUDIT
  else
    cat "$audit_log" >&2
    echo "cargo-audit was not installed; the differential test skips" >&2
  fi
fi
export PATH="$PWD/.tools/venv/bin:$PATH"
export PROVEN_PYTHON="$PWD/.tools/venv/bin/python"
cargo nextest run --workspace --no-fail-fast
