#!/usr/bin/env python3
"""A small OAuth 2.0 authorization server for the tests of OAuth logins (XOAUTH2, OAUTHBEARER).

Usage:
  server.py --listen PORT [--port-file FILE] [--config FILE]
                  [--client ID:SECRET]... [--refresh-token TOKEN:CLIENT-ID:SUBJECT]...
                  [--service-account ISSUER=PUBLIC-KEY.pem]... [--app-domain DOMAIN]
                  [--expires-in SECONDS] [--fail-first N] [--fail-every N]
                  [--token-url URL] [--max-seconds T]

Endpoints (on 127.0.0.1 only, plain HTTP):
  POST /token        RFC 6749 token endpoint, form-encoded. Grants:
                       client_credentials   client_id/client_secret in the body or HTTP Basic; optional scope.
                                            An app-only token, as Exchange Online issues them: no user.
                       refresh_token        client_id, optional client_secret, refresh_token; the token is
                                            the configured subject's.
                       urn:ietf:params:oauth:grant-type:jwt-bearer
                                            RFC 7523, as Google service accounts use it: `assertion` is a JWT
                                            signed RS256 by a configured issuer; the token is for its `sub`
                                            (the issuer itself without one).
                     Answers {"access_token", "token_type": "Bearer", "expires_in"} or an RFC 6749 §5.2
                     error: invalid_client (401), invalid_grant, invalid_scope, invalid_request,
                     unsupported_grant_type (400); an injected fault is a 503 temporarily_unavailable.
  POST /introspect   RFC 7662 (form `token=...`), what Dovecot's oauth2 passdb calls. A live user token:
                     {"active": true, "username": SUBJECT, "sub", "client_id", "exp", "iat", "scope"};
                     a live app-only token: {"active": true, "username": "*@DOMAIN", "client_id", "exp",
                     "iat", "scope": "... IMAP.AccessAsApp"} (see below); anything else {"active": false}.
  POST /moved        answers 307 Temporary Redirect to /token: a client that follows it sends its credentials
                     to a URL it was not given (counted as "redirects").
  POST /hang         reads the request and never answers (counted as "hung"): an endpoint that accepts
                     connections and then stalls.
  POST /admin/revoke form `client_id=...`: that client's (or service account's) later token requests fail
                     with invalid_client and every token it was issued turns inactive.
  GET  /admin/stats  JSON counters: token requests by grant, tokens issued, introspections, injected
                     failures, errors by code.

App-only tokens and Dovecot: Dovecot posts nothing but the token to the introspection endpoint, so
the server cannot name the mailbox an app-only token is being used for. Such a token stands for the
whole tenant instead, as Exchange Online's do: its introspection answer has "username": "*@DOMAIN"
(plain "*" when --app-domain is empty, for the test logins that have no domain) and its scope carries
the app role IMAP.AccessAsApp (Exchange's name for app-only IMAP access), which user tokens never get.
Dovecot's second oauth2 passdb (scripts/testenv/dovecot.sh, MAILMIG_DOVECOT_OAUTH2_INTROSPECTION_URL)
compares only the domain of that username with the login's (username_format = %Ld) and requires the
role, so an app-only token opens any mailbox of its domain while a user token opens its own only.

Configuration (--config FILE, JSON; the flags add to it):
  {"clients": {"ID": "SECRET"},
   "refresh_tokens": {"TOKEN": {"client_id": "ID", "subject": "alice"}},
   "service_accounts": {"ISSUER": "pub.pem"},     (relative paths: to the file's folder)
   "app_domain": "", "expires_in": 3600, "token_url": "...", "fail_first": 0, "fail_every": 0}

It logs one line per request to stderr (secrets and tokens cut to their first characters), prints
"listening on PORT" when ready (and writes the port to --port-file), and stops by itself after
--max-seconds (default 3600; 0: never). --listen 0 picks a free port. RSA signatures are verified by
the openssl command-line tool, the Python standard library having no RSA.
"""

import argparse
import base64
import binascii
import hmac
import json
import os
import secrets
import signal
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote_plus

JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer"
GRANTS = ("client_credentials", "refresh_token", JWT_BEARER)
# RFC 7523 §3 leaves the assertion lifetime to the server; Google refuses more than an hour.
MAX_ASSERTION_LIFETIME = 3600
# Tolerated clock difference for an assertion's iat (the test machine has one clock; a little slack
# keeps a freshly signed assertion from being refused on a second boundary).
CLOCK_SKEW = 60
# The role an app-only token carries in its scope, and what Dovecot's app passdb requires: Exchange
# Online grants app-only IMAP access as the application permission IMAP.AccessAsApp.
APP_ROLE = "IMAP.AccessAsApp"


def short(value):
    """A secret or token as it may appear in the log: its first characters only, never all of it."""
    if not value:
        return "-"
    return value[: min(6, len(value) // 2)] + "..."


class OAuthError(Exception):
    """An RFC 6749 §5.2 error answer."""

    def __init__(self, status, error, description):
        super().__init__(description)
        self.status = status
        self.error = error
        self.description = description


class Server:
    """Configuration, issued tokens and counters, shared by the request threads under one lock."""

    def __init__(self, config):
        self.clients = dict(config["clients"])
        self.refresh_tokens = dict(config["refresh_tokens"])
        self.service_accounts = dict(config["service_accounts"])
        self.app_domain = config["app_domain"]
        self.expires_in = int(config["expires_in"])
        self.token_url = config["token_url"]
        self.fail_first = int(config["fail_first"])
        self.fail_every = int(config["fail_every"])
        self.lock = threading.Lock()
        self.tokens = {}  # access token -> {client_id, subject (None: app-only), scope, iat, exp}
        self.revoked = set()
        self.token_requests = 0
        self.stats = {"token_requests": {grant: 0 for grant in GRANTS + ("other",)}, "tokens_issued": 0,
                      "introspections": 0, "introspections_active": 0, "failures_injected": 0, "errors": {},
                      "revocations": 0, "redirects": 0, "hung": 0}

    # --- token endpoint -------------------------------------------------------------------------

    def inject_failure(self):
        """Whether this token request is one that --fail-first/--fail-every answer with a 503."""
        with self.lock:
            self.token_requests += 1
            number = self.token_requests
            fail = number <= self.fail_first or (self.fail_every > 0 and number % self.fail_every == 0)
            if fail:
                self.stats["failures_injected"] += 1
            return fail

    def authenticate_client(self, client_id, secret, secret_required):
        """Checks a client's credentials; a revoked client fails as an unknown one would."""
        if not client_id:
            raise OAuthError(401, "invalid_client", "client authentication required")
        known = self.clients.get(client_id)
        if known is None or client_id in self.revoked:
            raise OAuthError(401, "invalid_client", f"unknown or revoked client {client_id}")
        if secret is None:
            if secret_required:
                raise OAuthError(401, "invalid_client", "client secret required")
        elif not hmac.compare_digest(secret.encode(), known.encode()):
            raise OAuthError(401, "invalid_client", "client authentication failed")

    def issue(self, client_id, subject, scope):
        if subject is not None:
            # The app role is granted to applications, never to a user's token (it opens every mailbox).
            scope = " ".join(word for word in scope.split() if word != APP_ROLE)
        token = secrets.token_urlsafe(32)
        now = int(time.time())
        with self.lock:
            self.tokens[token] = {"client_id": client_id, "subject": subject, "scope": scope,
                                  "iat": now, "exp": now + self.expires_in}
            self.stats["tokens_issued"] += 1
        answer = {"access_token": token, "token_type": "Bearer", "expires_in": self.expires_in}
        if scope:
            answer["scope"] = scope
        return answer, token

    def grant(self, form, basic):
        """The token answer for a token request, or an OAuthError. Returns (answer, log detail)."""
        grant_type = form.get("grant_type")
        if not grant_type:
            raise OAuthError(400, "invalid_request", "grant_type missing")
        if grant_type not in GRANTS:
            raise OAuthError(400, "unsupported_grant_type", f"grant type {grant_type} not supported")
        # RFC 6749 §2.3.1: a client uses one way of authenticating, not both.
        if basic is not None and ("client_id" in form and form["client_id"] != basic[0] or "client_secret" in form):
            raise OAuthError(400, "invalid_request", "client credentials in both the body and the header")
        client_id, secret = basic if basic is not None else (form.get("client_id"), form.get("client_secret"))

        if grant_type == "client_credentials":
            self.authenticate_client(client_id, secret, secret_required=True)
            answer, token = self.issue(client_id, None, form.get("scope", ""))
            return answer, f"client={client_id} secret={short(secret)} app-only token={short(token)}"

        if grant_type == "refresh_token":
            refresh = form.get("refresh_token")
            if not refresh:
                raise OAuthError(400, "invalid_request", "refresh_token missing")
            self.authenticate_client(client_id, secret, secret_required=False)
            entry = self.refresh_tokens.get(refresh)
            if entry is None or entry["client_id"] != client_id:
                raise OAuthError(400, "invalid_grant", f"unknown refresh token {short(refresh)} for client {client_id}")
            answer, token = self.issue(client_id, entry["subject"], form.get("scope", ""))
            detail = f"client={client_id} refresh={short(refresh)} subject={entry['subject']} token={short(token)}"
            return answer, detail

        assertion = form.get("assertion")
        if not assertion:
            raise OAuthError(400, "invalid_request", "assertion missing")
        claims = self.verify_assertion(assertion)
        subject = claims.get("sub") or claims["iss"]
        answer, token = self.issue(claims["iss"], subject, claims["scope"])
        return answer, f"issuer={claims['iss']} subject={subject} token={short(token)}"

    def verify_assertion(self, assertion):
        """The claims of an RFC 7523 assertion, checked as Google checks a service account's."""
        parts = assertion.split(".")
        if len(parts) != 3:
            raise OAuthError(400, "invalid_grant", "assertion is not a JWT")
        try:
            header = json.loads(b64url_decode(parts[0]))
            claims = json.loads(b64url_decode(parts[1]))
            signature = b64url_decode(parts[2])
        except (ValueError, binascii.Error) as error:
            raise OAuthError(400, "invalid_grant", f"malformed JWT: {error}")
        if not isinstance(header, dict) or not isinstance(claims, dict):
            raise OAuthError(400, "invalid_grant", "malformed JWT")
        if header.get("alg") != "RS256":
            raise OAuthError(400, "invalid_grant", f"alg {header.get('alg')} is not RS256")
        issuer = claims.get("iss")
        key = self.service_accounts.get(issuer) if isinstance(issuer, str) else None
        if key is None:
            raise OAuthError(400, "invalid_grant", f"unknown issuer {issuer}")
        if issuer in self.revoked:
            raise OAuthError(401, "invalid_client", f"service account {issuer} is revoked")
        if not rs256_valid(key, f"{parts[0]}.{parts[1]}".encode("ascii"), signature):
            raise OAuthError(400, "invalid_grant", "invalid JWT signature")
        audience = claims.get("aud")
        if audience != self.token_url and not (isinstance(audience, list) and self.token_url in audience):
            raise OAuthError(400, "invalid_grant", f"aud {audience} is not {self.token_url}")
        now = time.time()
        exp, iat = claims.get("exp"), claims.get("iat")
        if not all(isinstance(value, (int, float)) and not isinstance(value, bool) for value in (exp, iat)):
            raise OAuthError(400, "invalid_grant", "exp and iat must be numbers")
        if exp <= now:
            raise OAuthError(400, "invalid_grant", "assertion expired")
        if iat > now + CLOCK_SKEW:
            raise OAuthError(400, "invalid_grant", "assertion issued in the future")
        if exp - iat > MAX_ASSERTION_LIFETIME:
            raise OAuthError(400, "invalid_grant", "assertion valid for more than an hour")
        if not isinstance(claims.get("scope"), str) or not claims["scope"].strip():
            raise OAuthError(400, "invalid_scope", "assertion has no scope")
        return claims

    # --- introspection and administration -------------------------------------------------------

    def introspect(self, token):
        """The RFC 7662 answer for a token."""
        with self.lock:
            self.stats["introspections"] += 1
            entry = self.tokens.get(token)
            if entry is None or entry["exp"] <= time.time() or entry["client_id"] in self.revoked:
                # RFC 7662 §2.2: nothing more about a token that is not active.
                return {"active": False}
            self.stats["introspections_active"] += 1
        answer = {"active": True, "client_id": entry["client_id"], "exp": entry["exp"], "iat": entry["iat"]}
        if entry["subject"] is None:
            answer["username"] = f"*@{self.app_domain}" if self.app_domain else "*"
            answer["scope"] = " ".join(entry["scope"].split() + [APP_ROLE])
        else:
            answer["username"] = answer["sub"] = entry["subject"]
            if entry["scope"]:
                answer["scope"] = entry["scope"]
        return answer

    def revoke(self, client_id):
        with self.lock:
            self.revoked.add(client_id)
            self.stats["revocations"] += 1

    def count_request(self, grant_type):
        with self.lock:
            key = grant_type if grant_type in GRANTS else "other"
            self.stats["token_requests"][key] += 1

    def count_error(self, error):
        with self.lock:
            self.stats["errors"][error] = self.stats["errors"].get(error, 0) + 1

    def snapshot(self):
        with self.lock:
            return json.loads(json.dumps(self.stats))


LOG_LOCK = threading.Lock()


def log(line):
    """One whole line to stderr: requests are served by several threads at once."""
    with LOG_LOCK:
        sys.stderr.write(line + "\n")
        sys.stderr.flush()


def b64url_decode(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def rs256_valid(public_key_file, data, signature):
    """Whether `signature` is an RSASSA-PKCS1-v1_5 SHA-256 signature of `data` by the key in the file."""
    with tempfile.TemporaryDirectory(prefix="oauth-server-") as folder:
        data_file, signature_file = os.path.join(folder, "data"), os.path.join(folder, "signature")
        with open(data_file, "wb") as f:
            f.write(data)
        with open(signature_file, "wb") as f:
            f.write(signature)
        result = subprocess.run(["openssl", "dgst", "-sha256", "-verify", public_key_file, "-signature", signature_file,
                                 data_file], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        return result.returncode == 0


def basic_credentials(header):
    """(client_id, secret) of an HTTP Basic Authorization header, None without one. RFC 6749 §2.3.1
    form-encodes both before base64, so they are decoded here."""
    if not header or not header.lower().startswith("basic "):
        return None
    try:
        decoded = base64.b64decode(header[6:].strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        raise OAuthError(401, "invalid_client", "malformed Basic credentials")
    client_id, separator, secret = decoded.partition(":")
    if not separator:
        raise OAuthError(401, "invalid_client", "malformed Basic credentials")
    return unquote_plus(client_id), unquote_plus(secret)


class Handler(BaseHTTPRequestHandler):
    # HTTP/1.1 with keep-alive: Dovecot's HTTP client reuses its connection for the next login.
    protocol_version = "HTTP/1.1"
    server_version = "mailmig-test-oauth"
    sys_version = ""

    def log_message(self, format, *args):
        pass  # one line per request is written by `note` instead, with the details that matter

    def note(self, status, detail):
        log(f"{self.command} {self.path} -> {status} {detail}".rstrip())

    def reply(self, status, body, headers=()):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("Pragma", "no-cache")
        for name, value in headers:
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def form(self):
        """The request's form fields (each given once, as RFC 6749 §3.2 asks)."""
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode("utf-8", "replace")
        content_type = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        if content_type != "application/x-www-form-urlencoded":
            raise OAuthError(400, "invalid_request", "expected application/x-www-form-urlencoded")
        fields = parse_qs(body, keep_blank_values=True)
        repeated = [name for name, values in fields.items() if len(values) > 1]
        if repeated:
            raise OAuthError(400, "invalid_request", f"parameter {repeated[0]} given more than once")
        return {name: values[0] for name, values in fields.items()}

    def do_POST(self):
        server = self.server.oauth
        path = self.path.split("?")[0]
        self.grant_type = ""  # a kept-alive connection carries several requests
        try:
            if path == "/token":
                self.token(server)
            elif path == "/moved":
                self.form()
                with server.lock:
                    server.stats["redirects"] += 1
                port = self.server.server_address[1]
                self.reply(307, {"error": "moved"}, [("Location", f"http://127.0.0.1:{port}/token")])
                self.note(307, "redirected to /token")
            elif path == "/hang":
                self.form()
                with server.lock:
                    server.stats["hung"] += 1
                self.note(0, "hanging")
                time.sleep(600)
            elif path == "/introspect":
                form = self.form()
                if not form.get("token"):
                    raise OAuthError(400, "invalid_request", "token missing")
                answer = server.introspect(form["token"])
                self.reply(200, answer)
                who = answer.get("username", "") if answer["active"] else ""
                self.note(200, f"token={short(form['token'])} active={str(answer['active']).lower()} {who}")
            elif path == "/admin/revoke":
                form = self.form()
                if not form.get("client_id"):
                    raise OAuthError(400, "invalid_request", "client_id missing")
                server.revoke(form["client_id"])
                self.reply(200, {"revoked": form["client_id"]})
                self.note(200, f"client={form['client_id']}")
            else:
                self.reply(404, {"error": "not_found"})
                self.note(404, "")
        except OAuthError as error:
            server.count_error(error.error)
            headers = [("WWW-Authenticate", 'Basic realm="mailmig-test"')] if error.status == 401 else []
            self.reply(error.status, {"error": error.error, "error_description": error.description}, headers)
            grant = f"grant={self.grant_type} " if self.grant_type else ""
            self.note(error.status, f"{grant}{error.error}: {error.description}")

    def token(self, server):
        form = self.form()
        self.grant_type = form.get("grant_type", "")
        server.count_request(self.grant_type)
        if server.inject_failure():
            self.reply(503, {"error": "temporarily_unavailable", "error_description": "injected failure"})
            self.note(503, f"grant={self.grant_type} injected failure")
            return
        answer, detail = server.grant(form, basic_credentials(self.headers.get("Authorization")))
        self.reply(200, answer)
        self.note(200, f"grant={self.grant_type} {detail}")

    def do_GET(self):
        if self.path.split("?")[0] == "/admin/stats":
            self.reply(200, self.server.oauth.snapshot())
            self.note(200, "")
        else:
            self.reply(404, {"error": "not_found"})
            self.note(404, "")


def split_pair(text, separator, what):
    left, found, right = text.partition(separator)
    if not found or not left or not right:
        raise SystemExit(f"server.py: {what} '{text}' is not of the form A{separator}B")
    return left, right


def load_config(args):
    """The configuration: defaults, then the JSON file, then the flags."""
    config = {"clients": {}, "refresh_tokens": {}, "service_accounts": {}, "app_domain": "", "expires_in": 3600,
              "token_url": "", "fail_first": 0, "fail_every": 0}
    if args.config:
        with open(args.config) as f:
            loaded = json.load(f)
        folder = os.path.dirname(os.path.abspath(args.config))
        for name in ("clients", "refresh_tokens"):
            config[name].update(loaded.get(name, {}))
        for issuer, path in loaded.get("service_accounts", {}).items():
            config["service_accounts"][issuer] = os.path.join(folder, path)
        for name in ("app_domain", "expires_in", "token_url", "fail_first", "fail_every"):
            if name in loaded:
                config[name] = loaded[name]
    for text in args.client:
        client_id, secret = split_pair(text, ":", "--client")
        config["clients"][client_id] = secret
    for text in args.refresh_token:
        token, rest = split_pair(text, ":", "--refresh-token")
        client_id, subject = split_pair(rest, ":", "--refresh-token")
        config["refresh_tokens"][token] = {"client_id": client_id, "subject": subject}
    for text in args.service_account:
        issuer, path = split_pair(text, "=", "--service-account")
        config["service_accounts"][issuer] = os.path.abspath(path)
    for name in ("app_domain", "expires_in", "token_url", "fail_first", "fail_every"):
        if getattr(args, name) is not None:
            config[name] = getattr(args, name)
    for issuer, path in config["service_accounts"].items():
        if not os.path.isfile(path):
            raise SystemExit(f"server.py: public key {path} of {issuer} not found")
    for token, entry in config["refresh_tokens"].items():
        if entry.get("client_id") not in config["clients"] or not entry.get("subject"):
            raise SystemExit(f"server.py: refresh token {short(token)} needs a known client_id and a subject")
    return config


def main():
    parser = argparse.ArgumentParser(description="OAuth 2.0 authorization server for the tests")
    parser.add_argument("--listen", type=int, required=True, help="port on 127.0.0.1 (0: any free port)")
    parser.add_argument("--port-file", help="write the listening port here once ready")
    parser.add_argument("--config", help="JSON configuration (see the module documentation)")
    parser.add_argument("--client", action="append", default=[], metavar="ID:SECRET", help="a client (repeatable)")
    parser.add_argument("--refresh-token", action="append", default=[], metavar="TOKEN:CLIENT-ID:SUBJECT",
                        help="a refresh token of a client, for a subject (repeatable)")
    parser.add_argument("--service-account", action="append", default=[], metavar="ISSUER=PUB.pem",
                        help="a JWT bearer issuer and its PEM public key (repeatable)")
    parser.add_argument("--app-domain", help="the domain whose mailboxes app-only tokens open (default: none)")
    parser.add_argument("--expires-in", type=int, help="access token lifetime in seconds (default 3600)")
    parser.add_argument("--token-url",
                        help="the audience JWT assertions must name (default http://127.0.0.1:PORT/token)")
    parser.add_argument("--fail-first", type=int, help="answer the first N token requests with 503")
    parser.add_argument("--fail-every", type=int, help="answer every Nth token request with 503")
    parser.add_argument("--max-seconds", type=float, default=3600, help="stop after this long (0: never)")
    args = parser.parse_args()
    config = load_config(args)

    httpd = ThreadingHTTPServer(("127.0.0.1", args.listen), Handler)
    httpd.daemon_threads = True
    port = httpd.server_address[1]
    config["token_url"] = config["token_url"] or f"http://127.0.0.1:{port}/token"
    httpd.oauth = Server(config)
    if args.port_file:
        with open(args.port_file + ".tmp", "w") as f:
            f.write(f"{port}\n")
        os.replace(args.port_file + ".tmp", args.port_file)
    log(f"listening on {port}")

    # serve_forever runs in a thread so that a signal or the time limit can stop it from here. The
    # signal handler only sets a flag: taking a lock in it could deadlock with the interrupted code.
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    stopping = []
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stopping.append(True))
    started = time.monotonic()
    while not stopping and (args.max_seconds <= 0 or time.monotonic() - started < args.max_seconds):
        time.sleep(0.2)
    httpd.shutdown()
    stats = httpd.oauth.snapshot()
    log(f"stopped after {time.monotonic() - started:.0f}s: {stats['tokens_issued']} tokens issued, "
        f"{stats['introspections']} introspections, {stats['failures_injected']} failures injected")


if __name__ == "__main__":
    main()
