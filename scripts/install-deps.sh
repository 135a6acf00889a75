#!/usr/bin/env bash
# Installs what building and testing mailmig needs on Debian: C libraries, the servers the
# integration tests start, and the Python modules of the schema check. Idempotent and quiet.
set -euo pipefail
cd "$(dirname "$0")/.."

. scripts/lib/apt.sh
# libxml2: FoundationXML, which reads CalDAV/CardDAV answers, loads it at run time.
apt_install libsqlite3-dev libyaml-dev libxml2 openssl ca-certificates

for script in scripts/testenv/*.sh; do
    [ -x "$script" ] || continue
    "$script" install
done

# The schema check's modules: Debian's packages for Debian's own Python (which refuses pip as an
# "externally managed environment"), pip for any other Python on the PATH (pyenv, a venv).
if ! command -v python3 >/dev/null 2>&1; then
    apt_install python3 python3-jsonschema python3-yaml
elif ! python3 -c 'import jsonschema, yaml' 2>/dev/null; then
    if [[ $(command -v python3) == /usr/bin/python3 ]]; then
        apt_install python3-jsonschema python3-yaml
    else
        echo "installing Python modules: jsonschema pyyaml"
        python3 -m pip install --quiet jsonschema pyyaml
    fi
fi
