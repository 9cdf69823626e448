#!/usr/bin/env bash
# Installs what the tests call besides cargo, idempotently, into .tools/ (git-ignored):
# a Python venv with the independent SBOM validators (cyclonedx-python-lib, spdx-tools,
# spdx3-validate) and the independent DSSE and Sigstore bundle verifiers (securesystemslib,
# sigstore); and, when node and npm are there, BSI's CSAF validator library
# (@secvisogram/csaf-validator-lib), which scripts/validate-csaf.mjs runs. cargo-audit, the peer
# of the differential test, has its own script: scripts/install-cargo-audit.sh.
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

