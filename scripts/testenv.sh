#!/usr/bin/env bash
# Starts or stops every local test server (scripts/testenv/*.sh) on 127.0.0.1.
# Each writes .testenv/NAME.env describing how to reach it; `env` prints them all.
set -euo pipefail
cd "$(dirname "$0")/.."

command=${1:-}
case "$command" in
    start | stop | reset)
        for script in scripts/testenv/*.sh; do
            [ -x "$script" ] || continue
            "$script" "$command"
        done
        ;;
    env)
        cat "${MAILMIG_TESTENV_DIR:-.testenv}"/*.env 2>/dev/null || true
        ;;
    *)
        echo "usage: scripts/testenv.sh start|stop|reset|env" >&2
        exit 2
        ;;
esac
