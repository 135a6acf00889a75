#!/usr/bin/env bash
# The mailmig demo: a whole migration of acme.test on this machine, from a fresh start.
#
#   scripts/demo.sh          installs what is missing, builds mailmig, starts a source and a target
#                            Dovecot and a BIND9 on 127.0.0.1 with generated sample mailboxes, then
#                            walks plans/demo.yaml: validate → plan → apply (prepare, presync) → sync →
#                            cutover (route: target, after the lowered TTL) → final pass → verify → report
#   scripts/demo.sh stop     stops the demo's servers (its files stay in .demo/ until the next run)
#
#   DEMO_DNS=powerdns scripts/demo.sh
#                            the same, with the zone at a PowerDNS Authoritative server changed through
#                            its HTTP API instead of BIND9's RFC 2136 updates
#
# Everything lives in .demo/ at the repository root; nothing outside the repository is needed.
# (`scripts/demo.sh create-mailbox NAME` is what the plan's target.provision.create runs.)
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
demo="$repo/.demo"

# The demo's servers: their own folder and ports, apart from the test servers.
export MAILMIG_TESTENV_DIR="$demo/servers"
export MAILMIG_DOVECOT_SOURCE_PORT=14401 MAILMIG_DOVECOT_SOURCE_TLS_PORT=14402
export MAILMIG_DOVECOT_TARGET_PORT=14411 MAILMIG_DOVECOT_TARGET_TLS_PORT=14412
export MAILMIG_DOVECOT_SOURCE_POP3_PORT=14403 MAILMIG_DOVECOT_SOURCE_POP3_TLS_PORT=14404
export MAILMIG_DOVECOT_TARGET_POP3_PORT=14413 MAILMIG_DOVECOT_TARGET_POP3_TLS_PORT=14414
export MAILMIG_TEST_DNS_PORT=15354 MAILMIG_TEST_DNS_TTL=60
# With DEMO_DNS=powerdns, PowerDNS answers on the same DNS port and its API listens on 18091.
export MAILMIG_TEST_PDNS_PORT=15354 MAILMIG_TEST_PDNS_API_PORT=18091 MAILMIG_TEST_PDNS_TTL=60
dns_server="${DEMO_DNS:-bind9}"
case "$dns_server" in
    bind9 | powerdns) ;;
    *)
        echo "DEMO_DNS must be bind9 or powerdns, not '$dns_server'" >&2
        exit 2
        ;;
esac

step=0
say() { printf '\n\033[1m== %d. %s\033[0m\n' "$((step += 1))" "$*"; }
run() { printf '$ %s\n' "$*"; "$@"; }

stop_servers() {
    "$repo/scripts/testenv/dovecot.sh" stop >/dev/null 2>&1 || true
    "$repo/scripts/testenv/bind9.sh" stop >/dev/null 2>&1 || true
    "$repo/scripts/testenv/powerdns.sh" stop >/dev/null 2>&1 || true
}

case "${1:-run}" in
    stop)
        stop_servers
        echo "Demo servers stopped."
        exit 0
        ;;
    create-mailbox)
        name="${2:?usage: demo.sh create-mailbox NAME}"
        exec "$repo/scripts/testenv/dovecot.sh" add-user target "$name" "$(head -c 12 /dev/urandom | base64 | tr -dc 'A-Za-z0-9')"
        ;;
    run) ;;
    *)
        echo "usage: scripts/demo.sh [run|stop]" >&2
        exit 2
        ;;
esac

say "Installing what is missing and building mailmig"
"$repo/scripts/install-deps.sh"
(cd "$repo" && swift build 2>&1 | tail -n 1)
bin="$(cd "$repo" && swift build --show-bin-path)/mailmig"
mailmig() { printf '$ mailmig %s\n' "$*"; (cd "$demo" && "$bin" "$@"); }

say "Starting a source and a target Dovecot and a DNS server, $dns_server (fresh, in .demo/)"
stop_servers
rm -rf "$demo"
mkdir -p "$demo"
"$repo/scripts/testenv/dovecot.sh" start
"$repo/scripts/testenv/$dns_server.sh" start
# shellcheck source=/dev/null
. "$demo/servers/dovecot.env"
printf '%s' "$MAILMIG_TEST_IMAP_ADMIN_PASSWORD" >"$demo/admin-password"
chmod 600 "$demo/admin-password"
echo "source IMAP 127.0.0.1:14401, target IMAP 127.0.0.1:14411, DNS 127.0.0.1:15354 (zone acme.test)"

say "Filling the source with sample mailboxes (generated, deterministic)"
python3 "$repo/scripts/corpus/generate.py" --mailboxes 5 --messages 150 --seed 7 --attachments 0.05 --attachment-max 1000000 \
    --end "$(date -u +%Y-%m-%d)" --out "$demo/corpus" >/dev/null
users=(alice bob carol frank grace)
for user in frank grace; do
    "$repo/scripts/testenv/dovecot.sh" add-user source "$user" "demo-$user-$RANDOM" >/dev/null
done
index=0
for dir in "$demo/corpus"/*/; do
    [[ -f "$dir/manifest.json" ]] || continue
    ((index < ${#users[@]})) || break
    "$repo/scripts/testenv/dovecot.sh" load source "${users[index]}" "$dir" >/dev/null
    index=$((index + 1))
done
python3 - "$demo/corpus" <<'EOF'
import json, sys, pathlib
corpus = json.loads((pathlib.Path(sys.argv[1]) / "corpus.json").read_text())
print(f"{corpus['messages']} messages, {corpus['bytes'] / 1e6:.1f} MB in 5 mailboxes with nested and non-ASCII folders")
EOF
echo "frank and grace exist only on the source: the plan will create them on the target."

cp "$repo/plans/demo.yaml" "$demo/demo.yaml"
edit() { sed -i "$1" "$demo/demo.yaml"; printf '(edited demo.yaml: %s)\n' "$2"; }
if [[ $dns_server == powerdns ]]; then
    # The provider block, rewritten for PowerDNS's HTTP API; the domains still say `dns: local`.
    python3 - "$demo/demo.yaml" <<'EOF'
import re, sys
path = sys.argv[1]
text = open(path).read()
block = re.compile(r"^      rfc2136:\n(?:        .*\n)+", re.M)
powerdns = ("      powerdns:\n"
            "        api_url: http://127.0.0.1:18091\n"
            "        api_key: file:servers/powerdns/api.key\n"
            "        check_servers: [\"127.0.0.1:15354\"]\n")
text, count = block.subn(powerdns, text)
assert count == 1, "demo.yaml: no rfc2136 provider block to replace"
open(path, "w").write(text.replace("(RFC 2136, signed with a TSIG key)", "(PowerDNS's HTTP API)"))
EOF
    printf '(edited demo.yaml: the DNS provider local is the PowerDNS API at 127.0.0.1:18091)\n'
fi

say "Validating the plan"
mailmig validate demo.yaml

say "Planning: what mailmig would do"
mailmig plan demo.yaml

say "Applying: create missing mailboxes, copy alice fully (pilot) and everyone's older mail (presync), lower the TTL"
mailmig apply --auto-approve demo.yaml
lowered_at=$(date +%s)

say "Moving everyone to sync (a plan edit, reviewed like code)"
edit 's/stage: presync }/stage: sync }/' "batch everyone: presync → sync"
mailmig plan demo.yaml
mailmig apply --auto-approve demo.yaml

say "Cutting over: route: target"
edit 's/route: source/route: target/' "route: source → target"
echo "MX before: $(dig +short @127.0.0.1 -p 15354 acme.test MX)"
mailmig plan demo.yaml || true
wait=$((lowered_at + 62 - $(date +%s)))
if ((wait > 0)); then
    echo "mailmig holds the cutover back until resolvers can no longer hold the old 60 s answers; waiting ${wait} s…"
    sleep "$wait"
fi
mailmig plan demo.yaml
mailmig apply --auto-approve demo.yaml
echo "MX after:  $(dig +short @127.0.0.1 -p 15354 acme.test MX)"
echo "SPF after: $(dig +short @127.0.0.1 -p 15354 acme.test TXT | tr '\n' ' ')"

say "Final pass: the last delta after the cutover"
edit 's/stage: sync }/stage: final }/g' "every batch: sync → final"
mailmig apply --auto-approve demo.yaml

say "Verifying: every message on the target, byte for byte"
if "$bin" verify --help >/dev/null 2>&1; then
    mailmig verify --deep demo.yaml
fi

say "Closeout report"
if "$bin" report --help >/dev/null 2>&1; then
    mailmig status demo.yaml
    mailmig report demo.yaml --format html -o report.html
    mailmig report demo.yaml --format markdown -o report.md
    echo
    echo "Report: $demo/report.html (and report.md)"
fi
echo "State:  $demo/.mailmig/state.sqlite (try: cd .demo && $bin state list --plan demo.yaml)"
echo "Stop the demo servers with: scripts/demo.sh stop"
