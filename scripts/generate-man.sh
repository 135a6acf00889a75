#!/usr/bin/env bash
# Writes docs/man/mailmig.1, the manual page, from the commands' own help texts with
# swift-argument-parser's generate-manual plugin. Run it after changing a command, an option or a
# help text; an integration test checks that the page names every subcommand.
set -euo pipefail
cd "$(dirname "$0")/.."

log="$(mktemp)"
marker="$(mktemp)"
trap 'rm -f "$log" "$marker"' EXIT
if ! swift package plugin generate-manual --configuration debug --date "$(date -u +%F)" >"$log" 2>&1; then
    cat "$log" >&2
    exit 1
fi
page="$(find .build/plugins -path '*GenerateManual*' -name mailmig.1 -newer "$marker" -print -quit)"
[[ -n $page ]] || { echo "generate-manual wrote no mailmig.1" >&2; cat "$log" >&2; exit 1; }
mkdir -p docs/man
cp "$page" docs/man/mailmig.1
echo "wrote docs/man/mailmig.1"
