#!/usr/bin/env bash
# Private Dovecot instances ("source" and "target") for the IMAP and POP3 integration tests.
#
# Usage: dovecot.sh install | start | stop | status | reset | reset-user NAME
#        dovecot.sh doveadm source|target ARGS...
#        dovecot.sh add-user source|target NAME PASSWORD [QUOTA] (idempotent; survives restarts;
#                                                     QUOTA e.g. 100K needs MAILMIG_DOVECOT_QUOTA=1 at start)
#        dovecot.sh add-users source|target FILE             (many at once: FILE holds "NAME PASSWORD" lines;
#                                                     those missing are added with one reread of the file)
#        dovecot.sh remove-user source|target NAME           (the user and all its mail)
#        dovecot.sh has-user source|target NAME              (exit 0 when the login exists)
#        dovecot.sh load source|target NAME DIR [FOLDER-PREFIX] (a generated or real corpus, by APPEND)
#
# With MAILMIG_DOVECOT_OAUTH2_INTROSPECTION_URL set at start, both instances also accept OAuth 2.0
# logins (AUTHENTICATE XOAUTH2 and OAUTHBEARER) checked at that RFC 7662 introspection endpoint,
# normally scripts/oauth/server.py's http://127.0.0.1:PORT/introspect.
#
# With MAILMIG_DOVECOT_SOURCE_ALL_MAIL=1 at start, the source also has a folder "All Mail" (SPECIAL-USE
# \All, RFC 6154) among each user's own folders that shows every message of the user's other folders
# but Trash and Junk, as Gmail's "[Gmail]/All Mail" does: a message is in two folders at once.
#
# Each instance runs `dovecot -c FILE` with its own base_dir, mail root, pid and log under
# $MAILMIG_TESTENV_DIR/dovecot/NAME, listens on 127.0.0.1 only (IMAP and POP3, each plain+STARTTLS
# and implicit TLS, on one mail store: mail loaded over IMAP is read over POP3) and uses a certificate from a CA generated here. The source namespace uses "." as hierarchy
# separator, the target "/", so that delimiter conversion is exercised.
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
. "$REPO_ROOT/scripts/lib/apt.sh"
TESTENV_DIR="${MAILMIG_TESTENV_DIR:-$REPO_ROOT/.testenv}"
ROOT="$TESTENV_DIR/dovecot"
ENV_FILE="$TESTENV_DIR/dovecot.env"

SOURCE_PORT="${MAILMIG_DOVECOT_SOURCE_PORT:-14301}"
SOURCE_TLS_PORT="${MAILMIG_DOVECOT_SOURCE_TLS_PORT:-14302}"
TARGET_PORT="${MAILMIG_DOVECOT_TARGET_PORT:-14311}"
TARGET_TLS_PORT="${MAILMIG_DOVECOT_TARGET_TLS_PORT:-14312}"
SOURCE_POP3_PORT="${MAILMIG_DOVECOT_SOURCE_POP3_PORT:-14303}"
SOURCE_POP3_TLS_PORT="${MAILMIG_DOVECOT_SOURCE_POP3_TLS_PORT:-14304}"
TARGET_POP3_PORT="${MAILMIG_DOVECOT_TARGET_POP3_PORT:-14313}"
TARGET_POP3_TLS_PORT="${MAILMIG_DOVECOT_TARGET_POP3_TLS_PORT:-14314}"

USERS=(alice bob carol dave erin)
ADMIN_USER="admin"
ADMIN_PASSWORD="secret-admin"
INSTANCES=(source target)
# Opt-in: MAILMIG_DOVECOT_QUOTA=1 at start loads the quota plugins (per-user limits from add-user QUOTA).
QUOTA="${MAILMIG_DOVECOT_QUOTA:-0}"
# Opt-in: MAILMIG_DOVECOT_SOURCE_PREFIX=INBOX. at start gives the source's personal namespace that
# prefix (as Courier and Cyrus have), so INBOX.Inbox is a folder of its own beside INBOX.
SOURCE_PREFIX="${MAILMIG_DOVECOT_SOURCE_PREFIX:-}"
# Opt-in: MAILMIG_DOVECOT_SOURCE_SHARED=1 at start gives the source two more namespaces (RFC 2342): a
# public one, "Public<sep>", that every user sees, and other users' folders under "Users<sep><user><sep>"
# (announced by NAMESPACE; without the ACL plugin Dovecot lists no folders there). mailmig must copy
# neither into a mailbox by default.
SOURCE_SHARED="${MAILMIG_DOVECOT_SOURCE_SHARED:-}"
# Opt-in: MAILMIG_DOVECOT_OAUTH2_INTROSPECTION_URL=http://127.0.0.1:PORT/introspect at start adds the
# XOAUTH2 and OAUTHBEARER mechanisms, their tokens checked by oauth2 passdbs at that endpoint
# (scripts/oauth/server.py). Password logins, master users included, stay as they are.
OAUTH2_INTROSPECTION_URL="${MAILMIG_DOVECOT_OAUTH2_INTROSPECTION_URL:-}"
# Opt-in: MAILMIG_DOVECOT_SOURCE_ALL_MAIL=1 at start gives the source Gmail's All Mail: a virtual
# folder "All Mail" (under the prefix, if any), marked \All, that shows the messages of all the user's
# folders but the \Trash and \Junk ones. Unlike Gmail's it refuses APPEND, and a message kept in two
# folders is in it twice. Its UIDs are its own and only grow: a message that lands in another folder
# (MOVE, RENAME) loses its UID there and gets a new one.
SOURCE_ALL_MAIL="${MAILMIG_DOVECOT_SOURCE_ALL_MAIL:-}"

log() { printf 'dovecot.sh: %s\n' "$*" >&2; }
die() { log "$*"; exit 1; }

port_of() { if [[ $1 == source ]]; then echo "$SOURCE_PORT"; else echo "$TARGET_PORT"; fi; }
tls_port_of() { if [[ $1 == source ]]; then echo "$SOURCE_TLS_PORT"; else echo "$TARGET_TLS_PORT"; fi; }
pop3_port_of() { if [[ $1 == source ]]; then echo "$SOURCE_POP3_PORT"; else echo "$TARGET_POP3_PORT"; fi; }
pop3_tls_port_of() { if [[ $1 == source ]]; then echo "$SOURCE_POP3_TLS_PORT"; else echo "$TARGET_POP3_TLS_PORT"; fi; }
separator_of() { if [[ $1 == source ]]; then echo "."; else echo "/"; fi; }
prefix_of() { if [[ $1 == source ]]; then echo "$SOURCE_PREFIX"; fi; }
config_of() { echo "$ROOT/$1/dovecot.conf"; }
pid_file_of() { echo "$ROOT/$1/run/master.pid"; }

cmd_install() {
    local missing=()
    command -v dovecot >/dev/null 2>&1 || missing+=(dovecot-imapd)
    [[ -x /usr/lib/dovecot/pop3 ]] || missing+=(dovecot-pop3d)
    command -v openssl >/dev/null 2>&1 || missing+=(openssl)
    ((${#missing[@]} == 0)) || apt_install "${missing[@]}"
}

make_certificates() {
    local dir="$ROOT/certs"
    [[ -f $dir/server.crt && -f $dir/selfsigned.crt ]] && return 0
    mkdir -p "$dir"
    openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=mailmig test CA" \
        -keyout "$dir/ca.key" -out "$dir/ca.crt" -addext "basicConstraints=critical,CA:TRUE" \
        -addext "keyUsage=critical,keyCertSign,cRLSign" >/dev/null 2>&1
    openssl req -newkey rsa:2048 -nodes -subj "/CN=localhost" \
        -keyout "$dir/server.key" -out "$dir/server.csr" >/dev/null 2>&1
    printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n' >"$dir/server.ext"
    openssl x509 -req -in "$dir/server.csr" -CA "$dir/ca.crt" -CAkey "$dir/ca.key" -CAcreateserial \
        -days 3650 -extfile "$dir/server.ext" -out "$dir/server.crt" >/dev/null 2>&1
    # A certificate nobody trusts: tests use it as the trust anchor to see a refused handshake.
    openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=mailmig self-signed" \
        -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" \
        -keyout "$dir/selfsigned.key" -out "$dir/selfsigned.crt" >/dev/null 2>&1
    chmod 0644 "$dir"/*.crt
}

# The source also knows Apple-style names of special folders (not created automatically), so a
# mailbox can hold a \Sent folder that is not named "Sent" and folder automapping is exercised.
extra_special_folders() {
    [[ $1 == source ]] || return 0
    printf '  mailbox "Sent Messages" {\n    special_use = \\Sent\n  }\n'
    printf '  mailbox "Deleted Messages" {\n    special_use = \\Trash\n  }\n'
}

# With MAILMIG_DOVECOT_SOURCE_ALL_MAIL=1: the SPECIAL-USE of All Mail. The folder is the prefix of a
# namespace of its own (all_mail_namespace), and Dovecot looks up the attributes of a listed namespace
# prefix among the mailbox settings of the namespace with the empty prefix, not among its own: without
# MAILMIG_DOVECOT_SOURCE_PREFIX that is this one.
all_mail_special_use() {
    [[ $1 == source && $SOURCE_ALL_MAIL == 1 && -z $SOURCE_PREFIX ]] || return 0
    printf '\n  mailbox "All Mail" {\n    special_use = \\All\n  }\n'
}
# With MAILMIG_DOVECOT_SOURCE_ALL_MAIL=1: All Mail, a virtual mailbox (Dovecot's virtual plugin).
#
# A namespace's mailboxes all sit under its prefix ("Virtual.All Mail"), so the folder is the prefix
# itself: the namespace "All Mail." holds exactly one mailbox, its root, which LIST shows as "All Mail"
# beside the maildir folders and which SELECT and EXAMINE open. hidden keeps the namespace out of the
# NAMESPACE answer, which stays the one personal namespace a Gmail account has, and list has LIST show
# the folder all the same. The rules (write_all_mail_rules) are one file for all users; the index,
# which holds the folder's UIDs and UIDVALIDITY, and the subscription are each user's, in the home that
# remove-user deletes. (Kept in the personal namespace's file, as with subscriptions = no, a
# subscription to the folder is stored but LSUB never lists it.)
#
# Under MAILMIG_DOVECOT_SOURCE_PREFIX no namespace has the empty prefix, so Dovecot adds a bare one of
# its own, which cannot hold the SPECIAL-USE; it is declared here instead, as bare as Dovecot's. Unlike
# Dovecot's, it answers a name outside the prefix with "Mailbox doesn't exist" or [CANNOT] rather than
# with a hint at the prefix.
all_mail_namespace() {
    local name=$1 dir=$2 sep=$3 prefix
    [[ $name == source && $SOURCE_ALL_MAIL == 1 ]] || return 0
    prefix="$(prefix_of "$name")"
    printf '\nmail_plugins = $mail_plugins virtual\n'
    [[ -z $prefix ]] || cat <<ROOT
namespace root {
  prefix =
  separator = $sep
  location = fail::LAYOUT=none
  hidden = yes
  list = no
  subscriptions = no
  mailbox "${prefix}All Mail" {
    special_use = \\All
  }
}
ROOT
    cat <<NAMESPACE
namespace allmail {
  type = private
  separator = $sep
  prefix = "${prefix}All Mail$sep"
  location = virtual:$dir/virtual:INDEX=$dir/mail/%u/virtual:CONTROL=$dir/mail/%u/virtual
  subscriptions = yes
  list = yes
  hidden = yes
}
NAMESPACE
}
# With MAILMIG_DOVECOT_SOURCE_ALL_MAIL=1: which folders All Mail shows. The wildcard matches only
# folders of the personal namespace, so never All Mail itself. Both \Trash folders and \Junk are left
# out with their subfolders. Dovecot expands the patterns when the folder is opened: a folder created
# later is in it from the next SELECT or EXAMINE on.
write_all_mail_rules() {
    local name=$1 dir=$2 sep=$3 prefix box
    [[ $name == source && $SOURCE_ALL_MAIL == 1 ]] || return 0
    prefix="$(prefix_of "$name")"
    mkdir -p "$dir/virtual"
    {
        echo "# Generated by scripts/testenv/dovecot.sh: All Mail, every folder but Trash and Junk."
        printf 'INBOX\n%s*\n' "$prefix"
        for box in Trash "Deleted Messages" Junk; do
            printf -- '-%s%s\n-%s%s%s*\n' "$prefix" "$box" "$prefix" "$box" "$sep"
        done
        printf '  all\n'
    } >"$dir/virtual/dovecot-virtual.tmp"
    chmod 0644 "$dir/virtual/dovecot-virtual.tmp"
    # Renamed into place: a session of a running instance may be opening All Mail right now.
    mv -f "$dir/virtual/dovecot-virtual.tmp" "$dir/virtual/dovecot-virtual"
}

# With MAILMIG_DOVECOT_QUOTA=1: the quota plugin, limits per user from the passwd file's extra fields.
quota_settings() {
    [[ $QUOTA == 1 ]] || return 0
    printf 'mail_plugins = $mail_plugins quota\nplugin {\n  quota = count:User quota\n  quota_vsizes = yes\n}\n'
}
# With MAILMIG_DOVECOT_SOURCE_SHARED=1: the source's public and other-users namespaces.
shared_namespaces() {
    local name=$1 dir=$2 sep=$3 layout=$4
    [[ $name == source && $SOURCE_SHARED == 1 ]] || return 0
    cat <<NAMESPACES
namespace public {
  type = public
  separator = $sep
  prefix = Public$sep
  location = maildir:$dir/public$layout
  subscriptions = no
  list = yes
}
namespace users {
  type = shared
  separator = $sep
  prefix = Users$sep%%u$sep
  location = maildir:$dir/mail/%%u$layout:INDEXPVT=$dir/mail/%u/shared/%%u
  subscriptions = no
  list = children
}
NAMESPACES
}
# With MAILMIG_DOVECOT_OAUTH2_INTROSPECTION_URL: the mechanisms added to `plain login`.
oauth2_mechanisms() {
    [[ -n $OAUTH2_INTROSPECTION_URL ]] || return 0
    printf ' xoauth2 oauthbearer'
}
# With MAILMIG_DOVECOT_OAUTH2_INTROSPECTION_URL: the settings of two oauth2 passdbs, one for user
# tokens and one for app-only tokens.
#
# Dovecot 2.3 posts nothing but `token=...` to the introspection endpoint, so the endpoint cannot know
# which mailbox a token is presented for; Dovecot compares the answer's username_attribute with the
# login name itself, both expanded through username_format, after checking active_attribute (a check
# that passes when the attribute is absent) and before checking `scope` (a word of the token's
# space-separated "scope"). A missing username attribute is an internal failure (a temporary one to
# the client), a wrong one or a failed check an authentication failure.
#   user  A user token (refresh token, JWT bearer grant) opens its own mailbox: "username" must be the
#         login and "active" true.
#   app   An app-only token (client credentials, as Exchange Online issues them) opens any mailbox of
#         its tenant. scripts/oauth/server.py answers "username": "*@DOMAIN" ("*" for the domainless test
#         logins) and adds the app role IMAP.AccessAsApp to the token's scope; this passdb compares
#         only the domains (%Ld) and requires that role, which a user token never has.
# A token that is not active ({"active": false}, RFC 7662) fails both on "active".
write_oauth2_settings() {
    local dir=$1 kind format scope
    [[ -n $OAUTH2_INTROSPECTION_URL ]] || return 0
    for kind in user app; do
        if [[ $kind == user ]]; then format=%Lu scope=""; else format=%Ld scope="scope = IMAP.AccessAsApp"; fi
        cat >"$dir/oauth2-$kind.conf.ext" <<OAUTH2
# Generated by scripts/testenv/dovecot.sh: $kind tokens, checked at the introspection endpoint.
introspection_url = $OAUTH2_INTROSPECTION_URL
introspection_mode = post
username_attribute = username
username_format = $format
active_attribute = active
active_value = true
timeout_msecs = 10000
$scope
OAUTH2
        chmod 0644 "$dir/oauth2-$kind.conf.ext"
    done
}
# The passdbs of the token mechanisms (password logins never reach them, and a token is never compared
# with a password): the user and the app oauth2 passdb, the first to accept the token settling it
# (continue-ok), then the users file, only to refuse a token for a login that does not exist as an
# authentication failure (otherwise Dovecot finds no userdb entry after the passdb accepted and
# answers with a temporary internal error).
oauth2_passdbs() {
    local dir=$1
    [[ -n $OAUTH2_INTROSPECTION_URL ]] || return 0
    cat <<PASSDBS

passdb {
  driver = oauth2
  mechanisms = xoauth2 oauthbearer
  args = $dir/oauth2-user.conf.ext
  result_success = continue-ok
}
passdb {
  driver = oauth2
  mechanisms = xoauth2 oauthbearer
  args = $dir/oauth2-app.conf.ext
  skip = authenticated
  result_success = continue-ok
  result_failure = return-fail
  result_internalfail = return-fail
}
passdb {
  driver = passwd-file
  mechanisms = xoauth2 oauthbearer
  args = scheme=PLAIN username_format=%u $dir/users
  skip = unauthenticated
  result_failure = return-fail
  result_internalfail = return-fail
}
PASSDBS
}
quota_imap_settings() {
    [[ $QUOTA == 1 ]] || return 0
    printf '  mail_plugins = $mail_plugins quota imap_quota\n'
}

write_config() {
    local name=$1 dir="$ROOT/$1"
    local sep layout=""
    sep="$(separator_of "$name")"
    [[ $sep == "/" ]] && layout=":LAYOUT=fs"
    mkdir -p "$dir/run" "$dir/state" "$dir/mail" "$dir/public"
    chown mail:mail "$dir/mail" "$dir/public"
    : >"$dir/users"
    local user
    for user in "${USERS[@]}"; do
        printf '%s:{PLAIN}secret-%s::::::\n' "$user" "$user" >>"$dir/users"
    done
    # Users added with add-user stay across restarts.
    [[ -f $dir/users.added ]] && cat "$dir/users.added" >>"$dir/users"
    printf '%s:{PLAIN}%s::::::\n' "$ADMIN_USER" "$ADMIN_PASSWORD" >"$dir/masters"
    chmod 0644 "$dir/users" "$dir/masters"
    write_oauth2_settings "$dir"
    write_all_mail_rules "$name" "$dir" "$sep"
    cat >"$(config_of "$name")" <<EOF
# Generated by scripts/testenv/dovecot.sh; private test instance "$name".
base_dir = $dir/run
state_dir = $dir/state
instance_name = mailmig-$name
log_path = $dir/dovecot.log
protocols = imap pop3
listen = 127.0.0.1
ssl = yes
ssl_cert = <$ROOT/certs/server.crt
ssl_key = <$ROOT/certs/server.key
ssl_dh = </usr/share/dovecot/dh.pem
ssl_min_protocol = TLSv1.2
disable_plaintext_auth = no
auth_mechanisms = plain login$(oauth2_mechanisms)
auth_master_user_separator = *
mail_location = maildir:$dir/mail/%u$layout
mail_uid = mail
mail_gid = mail
first_valid_uid = 8
last_valid_uid = 8
first_valid_gid = 8
last_valid_gid = 8
mail_privileged_group =
mail_max_userip_connections = 100
# Test data is disposable: skipping fsync makes bulk APPEND tests fast.
mail_fsync = never
# RFC 7162 §4 asks clients to keep command lines under 8,192 octets; the test servers hold mailmig to it.
imap_max_line_length = 8k
namespace inbox {
  inbox = yes
  prefix = $(prefix_of "$name")
  separator = $sep
  mailbox Drafts {
    special_use = \\Drafts
    auto = subscribe
  }
  mailbox Sent {
    special_use = \\Sent
    auto = subscribe
  }
  mailbox Trash {
    special_use = \\Trash
    auto = subscribe
  }
  mailbox Junk {
    special_use = \\Junk
    auto = subscribe
  }
  mailbox Archive {
    special_use = \\Archive
    auto = subscribe
  }
$(extra_special_folders "$name")$(all_mail_special_use "$name")
}
$(shared_namespaces "$name" "$dir" "$sep" "$layout")$(all_mail_namespace "$name" "$dir" "$sep")$(oauth2_passdbs "$dir")
passdb {
  driver = passwd-file
  args = scheme=PLAIN $dir/masters
  master = yes
  pass = yes
}
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u $dir/users
}
userdb {
  driver = passwd-file
  args = username_format=%u $dir/users
  default_fields = uid=mail gid=mail home=$dir/mail/%u
}
$(quota_settings)
protocol imap {
  mail_max_userip_connections = 100
$(quota_imap_settings)
}
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = $(port_of "$name")
  }
  inet_listener imaps {
    address = 127.0.0.1
    port = $(tls_port_of "$name")
    ssl = yes
  }
}
service imap {
  process_limit = 200
}
# The default UIDL (%08Xu%08Xv) is the IMAP UID and UIDVALIDITY in hex: tests can name a message
# loaded over IMAP by its POP3 unique-id. POP3 never deletes here: mailmig does not send DELE.
protocol pop3 {
  mail_max_userip_connections = 100
  pop3_uidl_format = %08Xu%08Xv
}
service pop3-login {
  inet_listener pop3 {
    address = 127.0.0.1
    port = $(pop3_port_of "$name")
  }
  inet_listener pop3s {
    address = 127.0.0.1
    port = $(pop3_tls_port_of "$name")
    ssl = yes
  }
}
EOF
}

is_running() {
    local pid_file
    pid_file="$(pid_file_of "$1")"
    [[ -f $pid_file ]] || return 1
    local pid
    pid="$(cat "$pid_file")"
    [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null
}

wait_for_greeting() {
    local port=$1
    for _ in $(seq 1 50); do
        if timeout 2 bash -c "exec 3<>/dev/tcp/127.0.0.1/$port && head -c 4 <&3" 2>/dev/null | grep -q '^\* OK'; then
            return 0
        fi
        sleep 0.2
    done
    return 1
}

start_instance() {
    local name=$1 config
    config="$(config_of "$name")"
    if is_running "$name"; then
        # A running instance started from an older version of this script picks up the new settings.
        cp "$config" "$config.previous"
        write_config "$name"
        if ! cmp -s "$config" "$config.previous"; then
            log "$name: configuration changed; reloading"
            doveadm -c "$config" reload
        fi
        rm -f "$config.previous"
        return 0
    fi
    write_config "$name"
    dovecot -c "$(config_of "$name")" </dev/null >>"$ROOT/$name/startup.log" 2>&1 ||
        die "$name did not start; see $ROOT/$name/startup.log and $ROOT/$name/dovecot.log"
    wait_for_greeting "$(port_of "$name")" || die "$name does not answer on port $(port_of "$name"); see $ROOT/$name/dovecot.log"
}

write_env_file() {
    local user upper
    {
        echo "export MAILMIG_TEST_IMAP_SOURCE_HOST=127.0.0.1"
        echo "export MAILMIG_TEST_IMAP_SOURCE_PORT=$SOURCE_PORT"
        echo "export MAILMIG_TEST_IMAP_SOURCE_TLS_PORT=$SOURCE_TLS_PORT"
        echo "export MAILMIG_TEST_IMAP_SOURCE_SEPARATOR=."
        echo "export MAILMIG_TEST_IMAP_SOURCE_CONFIG=$(config_of source)"
        echo "export MAILMIG_TEST_IMAP_TARGET_HOST=127.0.0.1"
        echo "export MAILMIG_TEST_IMAP_TARGET_PORT=$TARGET_PORT"
        echo "export MAILMIG_TEST_IMAP_TARGET_TLS_PORT=$TARGET_TLS_PORT"
        echo "export MAILMIG_TEST_IMAP_TARGET_SEPARATOR=/"
        echo "export MAILMIG_TEST_IMAP_TARGET_CONFIG=$(config_of target)"
        echo "export MAILMIG_TEST_POP3_SOURCE_PORT=$SOURCE_POP3_PORT"
        echo "export MAILMIG_TEST_POP3_SOURCE_TLS_PORT=$SOURCE_POP3_TLS_PORT"
        echo "export MAILMIG_TEST_POP3_TARGET_PORT=$TARGET_POP3_PORT"
        echo "export MAILMIG_TEST_POP3_TARGET_TLS_PORT=$TARGET_POP3_TLS_PORT"
        echo "export MAILMIG_TEST_IMAP_CA_FILE=$ROOT/certs/ca.crt"
        echo "export MAILMIG_TEST_IMAP_SELFSIGNED_CERT=$ROOT/certs/selfsigned.crt"
        echo "export MAILMIG_TEST_IMAP_ADMIN_USER=$ADMIN_USER"
        echo "export MAILMIG_TEST_IMAP_ADMIN_PASSWORD=$ADMIN_PASSWORD"
        echo "export MAILMIG_TEST_IMAP_MASTER_SEPARATOR='*'"
        echo "export MAILMIG_TEST_IMAP_USERS='${USERS[*]}'"
        echo "export MAILMIG_TEST_IMAP_DOVECOT_SCRIPT=$REPO_ROOT/scripts/testenv/dovecot.sh"
        for user in "${USERS[@]}"; do
            upper="$(printf '%s' "$user" | tr '[:lower:]' '[:upper:]')"
            echo "export MAILMIG_TEST_IMAP_PASSWORD_${upper}=secret-$user"
        done
    } >"$ENV_FILE.tmp"
    mv "$ENV_FILE.tmp" "$ENV_FILE"
}

cmd_start() {
    command -v dovecot >/dev/null 2>&1 || die "dovecot is not installed; run: $0 install"
    [[ -x /usr/lib/dovecot/pop3 ]] || die "dovecot-pop3d is not installed (the instances serve POP3 too); run: $0 install"
    mkdir -p "$ROOT"
    make_certificates
    local name
    for name in "${INSTANCES[@]}"; do start_instance "$name"; done
    write_env_file
}

stop_instance() {
    local name=$1 pid_file pid
    pid_file="$(pid_file_of "$name")"
    [[ -f $pid_file ]] || return 0
    pid="$(cat "$pid_file")"
    if [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null; then
        kill "$pid"
        for _ in $(seq 1 50); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.1
        done
    fi
    rm -f "$pid_file"
}

cmd_stop() {
    local name
    for name in "${INSTANCES[@]}"; do stop_instance "$name"; done
    rm -f "$ENV_FILE"
}

cmd_status() {
    local name
    for name in "${INSTANCES[@]}"; do
        if is_running "$name"; then echo "$name: running"; else echo "$name: stopped"; fi
    done
}

cmd_reset() {
    local name
    for name in "${INSTANCES[@]}"; do
        stop_instance "$name"
        rm -rf "$ROOT/$name/mail"
    done
    cmd_start
}

cmd_doveadm() {
    local name=${1:-}
    [[ $name == source || $name == target ]] || die "usage: $0 doveadm source|target ARGS..."
    shift
    doveadm -c "$(config_of "$name")" "$@"
}

# Empties one user's mailboxes on both instances: messages expunged, user-made folders deleted.
cmd_reset_user() {
    local user=${1:-} name mailbox
    [[ -n $user ]] || die "usage: $0 reset-user NAME"
    for name in "${INSTANCES[@]}"; do
        is_running "$name" || die "$name is not running"
        cmd_doveadm "$name" expunge -u "$user" mailbox '*' all
        while IFS= read -r mailbox; do
            case "$mailbox" in
                INBOX | Drafts | Sent | Trash | Junk | Archive | "") ;;
                *) cmd_doveadm "$name" mailbox delete -u "$user" -r -s "$mailbox" 2>/dev/null || true ;;
            esac
        done < <(cmd_doveadm "$name" mailbox list -u "$user" | sort -r)
    done
}

# Dovecot rereads a passwd file when its mtime (seconds) or size changes: removing one user and adding
# another of the same name length within a second would go unnoticed, so every change moves the mtime on.
# Usage: bump_mtime FILE MTIME-BEFORE-THE-CHANGE
bump_mtime() {
    local file=$1 previous=$2 now
    now="$(date +%s)"
    if ((now <= previous)); then now=$((previous + 1)); fi
    touch -d "@$now" "$file"
    # Dovecot looks at the file at most once per second: a login in the second of the change may
    # still see the old users, so return only when that second has passed.
    local changed
    changed="$(date +%s)"
    while (($(date +%s) <= changed)); do sleep 0.05; done
}

valid_instance() { [[ ${1:-} == source || ${1:-} == target ]]; }

# Adds a login to an instance's passwd file (Dovecot rereads it when it changes). Adding a user
# that exists with the same password does nothing; with another password it is an error.
cmd_add_user() {
    local name=${1:-} user=${2:-} password=${3:-} quota=${4:-} dir line before
    if ! valid_instance "$name" || ! [[ -n $user && -n $password ]]; then die "usage: $0 add-user source|target NAME PASSWORD [QUOTA]"; fi
    [[ -z $quota || $quota =~ ^[0-9]+[KMG]?$ ]] || die "add-user: quota '$quota' is not a size such as 100K"
    [[ $user =~ ^[A-Za-z0-9._@+-]+$ ]] || die "add-user: '$user' is not a valid user name (letters, digits, . _ @ + -)"
    [[ $password != *:* && $password != *$'\n'* ]] || die "add-user: the password may not contain ':' or a newline"
    dir="$ROOT/$name"
    [[ -f $dir/users ]] || die "$name has never been started; run: $0 start"
    line="$user:{PLAIN}$password::::::${quota:+userdb_quota_rule=*:storage=$quota}"
    if cmd_has_user "$name" "$user"; then
        grep -qxF "$line" "$dir/users" && return 0
        die "add-user: $user already exists on $name with another password"
    fi
    (
        flock 9
        before="$(stat -c %Y "$dir/users")"
        printf '%s\n' "$line" >>"$dir/users.added"
        printf '%s\n' "$line" >>"$dir/users"
        bump_mtime "$dir/users" "$before"
    ) 9>"$dir/users.lock"
}

# Adds the users of FILE ("NAME PASSWORD" per line) that are missing, in one change of the passwd file:
# add-user waits for Dovecot's next look at the file once per user, which for thousands of users takes
# as many seconds. A user that exists is left as it is, whatever its password.
cmd_add_users() {
    local name=${1:-} list=${2:-} dir
    if ! valid_instance "$name" || [[ ! -f $list ]]; then die "usage: $0 add-users source|target FILE"; fi
    dir="$ROOT/$name"
    [[ -f $dir/users ]] || die "$name has never been started; run: $0 start"
    (
        flock 9
        local user password lines=() before
        local -A present=()
        while IFS=: read -r user _; do present[$user]=1; done <"$dir/users"
        while read -r user password _; do
            [[ -n $user ]] || continue
            [[ $user =~ ^[A-Za-z0-9._@+-]+$ ]] || die "add-users: '$user' in $list is not a valid user name (letters, digits, . _ @ + -)"
            [[ -n $password && $password != *:* ]] || die "add-users: $user in $list has no password, or one with ':'"
            [[ -z ${present[$user]:-} ]] || continue
            present[$user]=1
            lines+=("$user:{PLAIN}$password::::::")
        done <"$list"
        ((${#lines[@]} > 0)) || exit 0
        before="$(stat -c %Y "$dir/users")"
        printf '%s\n' "${lines[@]}" >>"$dir/users.added"
        printf '%s\n' "${lines[@]}" >>"$dir/users"
        bump_mtime "$dir/users" "$before"
    ) 9>"$dir/users.lock"
}

# Removes a user added with add-user, and its mail. The built-in users cannot be removed.
cmd_remove_user() {
    local name=${1:-} user=${2:-} dir file builtin before
    if ! valid_instance "$name" || [[ -z $user ]]; then die "usage: $0 remove-user source|target NAME"; fi
    for builtin in "${USERS[@]}" "$ADMIN_USER"; do
        [[ $user == "$builtin" ]] && die "remove-user: $user is a built-in test user"
    done
    [[ $user =~ ^[A-Za-z0-9._@+-]+$ ]] || die "remove-user: '$user' is not a valid user name"
    dir="$ROOT/$name"
    (
        flock 9
        before="$(stat -c %Y "$dir/users" 2>/dev/null || echo 0)"
        for file in "$dir/users.added" "$dir/users"; do
            [[ -f $file ]] || continue
            # Replaced by a rename, never rewritten in place: Dovecot rereads the file while other
            # tests log in, and a file truncated for a moment makes every user unknown meanwhile.
            awk -F: -v user="$user" '$1 != user' "$file" >"$file.tmp"
            chmod --reference="$file" "$file.tmp"
            mv -f "$file.tmp" "$file"
        done
        if [[ -f $dir/users ]]; then bump_mtime "$dir/users" "$before"; fi
    ) 9>"$dir/users.lock"
    rm -rf "${dir:?}/mail/$user"
}

# Exits 0 when NAME is a login of the instance, 1 otherwise (a `provision.check` command).
cmd_has_user() {
    local name=${1:-} user=${2:-}
    if ! valid_instance "$name" || [[ -z $user ]]; then die "usage: $0 has-user source|target NAME"; fi
    awk -F: -v user="$user" '$1 == user { found = 1 } END { exit found ? 0 : 1 }' "$ROOT/$name/users"
}

# Loads a corpus into a user by APPEND (flags and internal dates kept, bytes unaltered).
cmd_load() {
    local name=${1:-}
    if ! valid_instance "$name" || ! [[ -n ${2:-} && -n ${3:-} ]]; then die "usage: $0 load source|target NAME DIR [FOLDER-PREFIX]"; fi
    is_running "$name" || die "$name is not running"
    python3 "$REPO_ROOT/scripts/corpus/load.py" --port "$(tls_port_of "$name")" --ca-file "$ROOT/certs/ca.crt" \
        --separator "$(separator_of "$name")" --admin "$ADMIN_USER" --admin-password "$ADMIN_PASSWORD" \
        --user "$2" ${4:+--prefix "$4"} "$3"
}

main() {
    local command=${1:-}
    shift || true
    case "$command" in
        install) cmd_install ;;
        start) cmd_start ;;
        stop) cmd_stop ;;
        status) cmd_status ;;
        reset) cmd_reset ;;
        reset-user) cmd_reset_user "$@" ;;
        doveadm) cmd_doveadm "$@" ;;
        add-user) cmd_add_user "$@" ;;
        add-users) cmd_add_users "$@" ;;
        remove-user) cmd_remove_user "$@" ;;
        has-user) cmd_has_user "$@" ;;
        load) cmd_load "$@" ;;
        *) die "usage: $0 install|start|stop|status|reset|reset-user NAME|doveadm source|target ARGS...|add-user source|target NAME PASSWORD [QUOTA]|add-users source|target FILE|remove-user source|target NAME|has-user source|target NAME|load source|target NAME DIR [PREFIX]" ;;
    esac
}

main "$@"
