#!/usr/bin/env bash
# Installs what the tests call besides cargo, idempotently, into .tools/ (git-ignored):
# a Python venv with the independent SBOM validators (cyclonedx-python-lib, spdx-tools,
# spdx3-validate) and the independent DSSE and Sigstore bundle verifiers (securesystemslib,
# sigstore).
set -euo pipefail
cd "$(dirname "$0")/.."
venv=.tools/venv
want="cyclonedx-python-lib[json-validation]==11.12.0 spdx-tools==0.8.5 spdx3-validate securesystemslib[crypto]==1.6.0 sigstore==4.5.1"
if [ -f "$venv/.installed" ] && [ "$(cat "$venv/.installed")" = "$want" ]; then
  exit 0
fi
python3 -m venv "$venv"
"$venv/bin/pip" install -q --disable-pip-version-check $want
echo "$want" > "$venv/.installed"
