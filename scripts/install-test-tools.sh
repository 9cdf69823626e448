#!/usr/bin/env bash
# Installs what the tests call besides cargo, idempotently, into .tools/ (git-ignored):
# a Python venv with the independent SBOM validators (cyclonedx-python-lib, spdx-tools,
# spdx3-validate) and the independent DSSE and Sigstore bundle verifiers (securesystemslib,
# sigstore); when node and npm are there, BSI's CSAF validator library
# (@secvisogram/csaf-validator-lib), which scripts/validate-csaf.mjs runs; and cargo-audit, the
# peer of the differential test crates/proven/tests/cargo_audit.rs.
set -euo pipefail
cd "$(dirname "$0")/.."
venv=.tools/venv
want="cyclonedx-python-lib[json-validation]==11.12.0 spdx-tools==0.8.5 spdx3-validate securesystemslib[crypto]==1.6.0 sigstore==4.5.1"
if ! { [ -f "$venv/.installed" ] && [ "$(cat "$venv/.installed")" = "$want" ]; }; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q --disable-pip-version-check $want
  echo "$want" > "$venv/.installed"
fi

node_dir=.tools/node
csaf="@secvisogram/csaf-validator-lib@2.0.10"
if command -v npm >/dev/null && command -v node >/dev/null; then
  if ! { [ -f "$node_dir/.installed" ] && [ "$(cat "$node_dir/.installed")" = "$csaf" ]; }; then
    mkdir -p "$node_dir"
    npm install --prefix "$node_dir" --save-exact --no-audit --no-fund --silent "$csaf"
    echo "$csaf" > "$node_dir/.installed"
  fi
else
  echo "note: node/npm not found; the CSAF validator tests will be skipped" >&2
fi

# cargo-audit 0.22.2: the one on PATH or the one ../shared/peers/install.sh put in
# $PEERS_ROOT/bin, else built once into .tools/cargo. Only cargo-audit is built (the peers
# script's cargo step builds cargo-cyclonedx too, into /opt/peers); the test makes the
# advisory-db git checkout it reads itself, from $PROVEN_TESTDATA/data/rustsec.
if ! command -v cargo-audit >/dev/null 2>&1 \
  && [ ! -x "${PEERS_ROOT:-/opt/peers}/bin/cargo-audit" ] \
  && [ ! -x .tools/cargo/bin/cargo-audit ]; then
  cargo install --quiet --locked cargo-audit --version 0.22.2 --root .tools/cargo
fi
