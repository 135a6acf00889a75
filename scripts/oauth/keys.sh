#!/usr/bin/env bash
# Makes a test service account for the JWT bearer grant (RFC 7523) of scripts/oauth/server.py:
# an RSA key pair and a key file shaped like the JSON key Google issues for a service account.
#
# Usage: keys.sh OUTDIR ISSUER [TOKEN-URI]
#   OUTDIR/key.pem               the private key (PKCS#8 PEM), what a client signs assertions with
#   OUTDIR/pub.pem               the public key, for server.py --service-account ISSUER=OUTDIR/pub.pem
#   OUTDIR/service-account.json  type, client_email (ISSUER), private_key, private_key_id, token_uri
# TOKEN-URI is the server's token endpoint (http://127.0.0.1:PORT/token), which assertions name as
# their audience; without it token_uri holds the placeholder TOKEN_URI for the caller to replace.
set -euo pipefail

if (($# < 2 || $# > 3)); then
    echo "usage: $0 OUTDIR ISSUER [TOKEN-URI]" >&2
    exit 2
fi
outdir=$1 issuer=$2 token_uri=${3:-TOKEN_URI}

mkdir -p "$outdir"
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$outdir/key.pem" 2>/dev/null
chmod 0600 "$outdir/key.pem"
openssl pkey -in "$outdir/key.pem" -pubout -out "$outdir/pub.pem"
# Google's private_key_id is a hex digest naming the key; a digest of the public key serves the same end.
key_id="$(openssl pkey -pubin -in "$outdir/pub.pem" -outform DER | openssl dgst -sha1 -r | cut -d' ' -f1)"

python3 - "$outdir" "$issuer" "$token_uri" "$key_id" <<'PY'
import json, os, sys
outdir, issuer, token_uri, key_id = sys.argv[1:]
with open(os.path.join(outdir, "key.pem")) as f:
    private_key = f.read()
document = {
    "type": "service_account",
    "project_id": "mailmig-test",
    "private_key_id": key_id,
    "private_key": private_key,
    "client_email": issuer,
    "client_id": "000000000000000000000",
    "token_uri": token_uri,
}
path = os.path.join(outdir, "service-account.json")
with open(path, "w") as f:
    json.dump(document, f, indent=2)
    f.write("\n")
os.chmod(path, 0o600)
PY
