#!/usr/bin/env bash
# Validate SBOMs with validators that share no code with ours:
#   *.cdx.json    cyclonedx-python-lib's strict JSON validator (the official schemas, bundled in the wheel)
#   *.spdx.json   pyspdxtools -i (SPDX 2.3: parse and validate)
#   *.spdx3.json  $PROVEN_TESTDATA/schemas/spdx3/validate.py (spdx3-validate, SHACL, offline)
#
#   scripts/validate-sboms.sh DIR     validate every SBOM in DIR
#   scripts/validate-sboms.sh         write the test SBOMs of proven-sbom (cargo test) and validate them
#
# Python tools: from $PEERS_ROOT (default /opt/peers; ../shared/peers/install.sh makes the venvs
# cyclonedx-python-lib/ and spdx-tools/) when there, else from the test venv .tools/venv that
# scripts/install-test-tools.sh makes (run here when it is missing), or from SBOM_VALIDATORS_VENV
# (pinned below, installed with pip when missing). spdx3-validate always comes from that venv.
# PROVEN_TESTDATA (default ../shared) locates schemas/spdx3/validate.py.
# Exit status: 0 when every file is valid, 1 otherwise, 2 on a setup problem.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PEERS="${PEERS_ROOT:-/opt/peers}"
VENV="${SBOM_VALIDATORS_VENV:-$ROOT/.tools/venv}"
TESTDATA="${PROVEN_TESTDATA:-$ROOT/../shared}"
PINS="cyclonedx-python-lib[json-validation]==11.12.0 spdx-tools==0.8.5 spdx3-validate==0.0.7"

die() { echo "validate-sboms: $*" >&2; exit 2; }

ensure_venv() {
  if [ -x "$VENV/bin/pyspdxtools" ] && "$VENV/bin/python" -c 'import cyclonedx.validation.json, spdx3_validate' 2>/dev/null; then
    return
  fi
  if [ -z "${SBOM_VALIDATORS_VENV:-}" ]; then
    bash "$ROOT/scripts/install-test-tools.sh" || die "scripts/install-test-tools.sh failed"
  else
    echo "validate-sboms: installing $PINS into $VENV" >&2
    python3 -m venv "$VENV" || die "python3 -m venv failed (apt-get install python3-venv)"
    # shellcheck disable=SC2086
    "$VENV/bin/python" -m pip install -q --disable-pip-version-check $PINS || die "pip install failed"
  fi
}

if [ -x "$PEERS/cyclonedx-python-lib/bin/python" ]; then
  CDX_PY="$PEERS/cyclonedx-python-lib/bin/python"
else
  ensure_venv; CDX_PY="$VENV/bin/python"
fi
if [ -x "$PEERS/spdx-tools/bin/pyspdxtools" ]; then
  PYSPDXTOOLS="$PEERS/spdx-tools/bin/pyspdxtools"
else
  ensure_venv; PYSPDXTOOLS="$VENV/bin/pyspdxtools"
fi
ensure_venv
SPDX3_PY="$VENV/bin/python"
SPDX3_VALIDATE="$TESTDATA/schemas/spdx3/validate.py"
[ -f "$SPDX3_VALIDATE" ] || die "no $SPDX3_VALIDATE: set PROVEN_TESTDATA to the shared data folder"

DIR="${1:-}"
if [ -z "$DIR" ]; then
  DIR="$(mktemp -d)"
  trap 'rm -rf "$DIR"' EXIT
  echo "validate-sboms: writing the test SBOMs to $DIR" >&2
  (cd "$ROOT" && PROVEN_SBOM_DUMP="$DIR" cargo test -q -p proven-sbom --test write dump_for_independent_validators >&2)
fi
[ -d "$DIR" ] || die "$DIR is not a folder"

shopt -s nullglob
bad=0; total=0
log="$(mktemp)"
for f in "$DIR"/*.cdx.json; do
  total=$((total + 1))
  if "$CDX_PY" - "$f" > "$log" 2>&1 <<'PY'
import json, sys
from cyclonedx.schema import SchemaVersion
from cyclonedx.validation.json import JsonStrictValidator
text = open(sys.argv[1], encoding="utf-8").read()
version = SchemaVersion.from_version(json.loads(text)["specVersion"])
error = JsonStrictValidator(version).validate_str(text)
if error is not None:
    print(getattr(error, "data", error))
    sys.exit(1)
PY
  then echo "PASS cyclonedx  $f"; else echo "FAIL cyclonedx  $f"; head -c 2000 "$log"; echo; bad=$((bad + 1)); fi
done
for f in "$DIR"/*.spdx.json; do
  total=$((total + 1))
  if "$PYSPDXTOOLS" -i "$f" > "$log" 2>&1 && ! grep -q . "$log"; then
    echo "PASS spdx-2.3   $f"
  else
    echo "FAIL spdx-2.3   $f"; head -c 2000 "$log"; echo; bad=$((bad + 1))
  fi
done
for f in "$DIR"/*.spdx3.json; do
  total=$((total + 1))
  if "$SPDX3_PY" "$SPDX3_VALIDATE" -j "$f" > "$log" 2>&1; then
    echo "PASS spdx-3.0.1 $f"
  else
    echo "FAIL spdx-3.0.1 $f"; tr '\r' '\n' < "$log" | grep -v -e '^⠋\|^⠙\|^⠹\|^⠸\|^⠼\|^⠴\|^⠦\|^⠧\|^⠇\|^⠏' | tail -40; bad=$((bad + 1))
  fi
done
rm -f "$log"
[ "$total" -gt 0 ] || die "no *.cdx.json, *.spdx.json or *.spdx3.json in $DIR"
echo "$((total - bad)) passed, $bad failed"
[ "$bad" -eq 0 ]
