#!/usr/bin/env bash
# Long fuzz runs of the parsers that read hostile input.
#
# Usage: scripts/faults/fuzz.sh [SECONDS]   (per target; default 60)
#        MAILMIG_FUZZ_SEED=N scripts/faults/fuzz.sh 600   (another seed for the mutation drivers)
#
# 1. libFuzzer on the DNS message decoder: the dependency-free sources of MailMigDNS (Wire, Message,
#    Records) compiled with `swiftc -sanitize=fuzzer,address` and a small harness (no change to
#    Package.swift); crashing inputs are written to .build/fuzz/artifacts/.
# 2. The seeded mutation drivers of the `Fuzz` test suites (plan loader, IMAP framer and parser, DNS
#    decoder) for SECONDS each: `MAILMIG_FUZZ_SECONDS=SECONDS swift test --filter Fuzz`. The input under
#    test is kept in .build/fuzz/current-NAME, so after a crash it is the crashing input.
# Every crash found becomes a regression test next to the suite that found it.
set -euo pipefail

SECONDS_PER_TARGET="${1:-60}"
[[ $SECONDS_PER_TARGET =~ ^[0-9]+$ ]] || { echo "usage: $0 [SECONDS]" >&2; exit 2; }
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
OUT="$REPO_ROOT/.build/fuzz"
mkdir -p "$OUT/artifacts" "$OUT/corpus-dns"
status=0

echo "== libFuzzer: DNS message decoder, ${SECONDS_PER_TARGET}s"
cat >"$OUT/dns-harness.swift" <<'SWIFT'
/// libFuzzer entry point: decode the input as a DNS message; a decoded message must encode and decode again.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    if let message = try? DNSMessage.decode(bytes) { _ = try? DNSMessage.decode(message.encode()) }
    return 0
}
SWIFT
if swiftc -O -sanitize=fuzzer,address -parse-as-library -module-name MailMigDNSFuzz "$OUT/dns-harness.swift" \
    "$REPO_ROOT"/Sources/MailMigDNS/{Wire,Message,Records}/*.swift -o "$OUT/dns-fuzz" 2>"$OUT/dns-build.log"; then
    if "$OUT/dns-fuzz" -max_total_time="$SECONDS_PER_TARGET" -artifact_prefix="$OUT/artifacts/dns-" \
        "$OUT/corpus-dns" >"$OUT/dns-fuzz.log" 2>&1; then
        runs="$(grep -Eo 'Done [0-9]+ runs' "$OUT/dns-fuzz.log" | grep -Eo '[0-9]+' || echo '?')"
        echo "libFuzzer DNS decoder: $runs executions, no crash (corpus $(find "$OUT/corpus-dns" -type f | wc -l) inputs)"
    else
        echo "libFuzzer DNS decoder: CRASH; see $OUT/dns-fuzz.log and $OUT/artifacts/" >&2
        grep -E 'ERROR|Fatal|artifact' "$OUT/dns-fuzz.log" | head -5 >&2
        status=1
    fi
else
    echo "libFuzzer is not available here (see $OUT/dns-build.log); only the mutation drivers run"
fi

echo "== Mutation drivers (swift test --filter Fuzz), ${SECONDS_PER_TARGET}s each, seed ${MAILMIG_FUZZ_SEED:-1}"
cd "$REPO_ROOT"
swift build --build-tests >/dev/null
if MAILMIG_FUZZ_SECONDS="$SECONDS_PER_TARGET" MAILMIG_FUZZ_DIR="$OUT" swift test --skip-build --filter 'Fuzz' \
    >"$OUT/drivers.log" 2>&1; then
    grep -Eo 'Fuzz [A-Za-z ]+: [0-9]+ executions.*' "$OUT/drivers.log"
else
    grep -E '^Fuzz |✘|Fatal error' "$OUT/drivers.log" >&2 || true
    for file in "$OUT"/current-*; do
        [[ -f $file ]] && cp "$file" "$OUT/artifacts/$(basename "$file").$(date +%s)"
    done
    echo "mutation drivers: FAILED or crashed; the input under test at the time is in $OUT/artifacts/ (log: $OUT/drivers.log)" >&2
    status=1
fi
exit "$status"
