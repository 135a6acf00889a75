#!/usr/bin/env bash
# Installs what building and testing mailmig needs on Debian: C libraries, the servers the
# integration tests start, and the Python modules of the schema check. Idempotent and quiet.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(libsqlite3-dev libyaml-dev openssl ca-certificates)
missing=()
for package in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if ((${#missing[@]} > 0)); then
    echo "installing: ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

for script in scripts/testenv/*.sh; do
    [ -x "$script" ] || continue
    "$script" install
done

if ! python3 -c 'import jsonschema, yaml' 2>/dev/null; then
    echo "installing Python modules: jsonschema pyyaml"
    python3 -m pip install --quiet jsonschema pyyaml
fi
