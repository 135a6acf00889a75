#!/usr/bin/env python3
"""Checks mailmig's module boundaries (docs/architecture.md).

Usage: scripts/check-boundaries.py [--self-test] [--dump FILE] [--root DIR]

  - reads each target's declared dependencies from `swift package dump-package` (or from FILE);
  - reads the `import` lines of every .swift file under each target's path (Sources/<name>,
    Tests/<name> for test targets, or the path the dump gives);
  - checks both against RULES below: a module a target may not use, or one missing from its allowed
    list, is a violation; so is a target with no rule.

Prints one line per violation and exits 1, or prints a one-line summary and exits 0.
--self-test runs the checker on a small synthetic package in a temporary directory and checks that
it catches a forbidden import and a forbidden dependency (and passes a clean layout).
Needs: python3 (standard library only) and, without --dump, swift.
"""
import argparse
import fnmatch
import json
import pathlib
import re
import subprocess
import sys
import tempfile

ROOT = pathlib.Path(__file__).resolve().parent.parent

# ---------------------------------------------------------------------------------------------
# The rules. Per target: the modules it may import or depend on (`allowed`, glob patterns), and
# the ones it must never use (`forbidden`), each with the reason printed for a violation. A module
# matching `forbidden` is a violation even if a pattern in `allowed` also matches it.
# PLATFORM modules are allowed everywhere, and so are MailMigSpool (a message's bytes in memory or in a
# spool file: the one value every layer that carries a message hands on) and MailMigDateTime (the
# date-time text of a message's internal date); TESTING only in test code.
# ---------------------------------------------------------------------------------------------
PLATFORM = {
    "Foundation", "FoundationEssentials", "FoundationInternationalization", "FoundationNetworking",
    "FoundationXML", "Dispatch", "Glibc", "Musl", "Darwin", "Android", "WinSDK", "Swift",
    "_Concurrency", "Synchronization",
}
TESTING = {"Testing", "XCTest"}
EVERYWHERE = {"MailMigSpool", "MailMigDateTime"}
# Shared plumbing below it, which must not reach up to it.
EVERYWHERE_EXCEPT = {"MailMigConcurrency", "MailMigTLS"}

ADAPTERS = ["MailMigIMAPStore", "MailMigPOP3Store", "MailMigRFC2136", "MailMigPowerDNS", "MailMigManualDNS", "MailMigStateSQLite",
            "MailMigStatePostgres", "MailMigMaildirStore", "MailMigDAVStore"]
# What several DNS adapters share: reading RRsets at a zone's servers over the DNS protocol.
DNS_ADAPTER_SUPPORT = ["MailMigAuthoritativeDNS"]
# What the network stores share: the tokens of a side's OAuth 2.0 login.
LOGIN_SUPPORT = ["MailMigOAuth2Login"]
DNS_ADAPTERS = ["MailMigRFC2136", "MailMigPowerDNS", "MailMigManualDNS"]
PROTOCOL_LIBRARIES = ["MailMigIMAP", "MailMigPOP3", "MailMigDNS", "MailMigOAuth2", "MailMigDAV"]
FRONT_END = ["MailMigCLI", "ArgumentParser", "ConsoleKit*"]

WHY_ENGINE = "the engine speaks to protocols only through its seams"
WHY_FORMAT = "the plan file format knows the engine's plan model, not the systems it changes"
WHY_PROTOCOL = "protocol libraries stand alone; adapters bring them to the engine"
WHY_ADAPTER = "an adapter reaches the engine and its own protocol library only (it reads its plan settings as PlanNodes)"
WHY_ROOT = "the composition root wires adapters, not the libraries behind them"
WHY_COMMANDS = "the commands reach adapters only through MailMigCLI's composition root"
WHY_FAKE = "test support stands in for the adapters, it does not use them"
WHY_ENGINE_TESTS = "the engine's tests test the engine; the views and the rest of the command line are tested in MailMigCLITests"

RULES = {
    # The engine.
    "MailMigCore": {
        "allowed": ["MailMigConcurrency", "Logging", "Crypto"],
        "forbidden": {m: WHY_ENGINE for m in PROTOCOL_LIBRARIES + ADAPTERS + DNS_ADAPTER_SUPPORT + ["MailMigPlanFile", "Yams", "GRDB", "NIO*", "PostgresNIO", "AsyncHTTPClient"] + FRONT_END},
    },
    # The plan file format: YAML, the plan decoder, CSV mailbox lists, the JSON Schema.
    "MailMigPlanFile": {
        "allowed": ["MailMigCore", "Yams", "Logging"],
        "forbidden": {m: WHY_FORMAT for m in PROTOCOL_LIBRARIES + ADAPTERS + ["GRDB", "NIO*", "PostgresNIO"] + FRONT_END},
    },
    # Shared by the engine and the protocol libraries: task plumbing that knows nothing of mail.
    "MailMigConcurrency": {
        "allowed": [],
        "forbidden": {m: "shared plumbing depends on nothing of mailmig's" for m in
                      ["MailMigCore"] + PROTOCOL_LIBRARIES + ADAPTERS + ["GRDB", "NIO*", "Yams"] + FRONT_END},
    },
    # The client side of TLS below the mail protocol libraries: it knows no protocol.
    "MailMigTLS": {
        "allowed": ["NIOCore", "NIOPosix", "NIOSSL"],
        "forbidden": {m: "shared TLS plumbing knows no protocol and no plan" for m in
                      ["MailMigCore"] + PROTOCOL_LIBRARIES + ADAPTERS + FRONT_END},
    },
    # Protocol libraries.
    "MailMigIMAP": {
        "allowed": ["MailMigConcurrency", "MailMigTLS", "NIOCore", "NIOPosix", "NIOSSL", "Logging"],
        "forbidden": {m: WHY_PROTOCOL for m in ["MailMigCore", "MailMigCLI"] + ADAPTERS},
    },
    "MailMigPOP3": {
        "allowed": ["MailMigConcurrency", "MailMigTLS", "NIOCore", "NIOPosix", "NIOSSL", "Logging", "Crypto"],
        "forbidden": {m: WHY_PROTOCOL for m in ["MailMigCore", "MailMigCLI", "MailMigIMAP"] + ADAPTERS},
    },
    "MailMigDNS": {
        "allowed": ["NIOCore", "NIOPosix", "Crypto"],
        "forbidden": {m: WHY_PROTOCOL for m in ["MailMigCore", "MailMigCLI"] + ADAPTERS},
    },
    # OAuth 2.0 access tokens over HTTP (a token endpoint, a signed JWT): no plan, no mail protocol.
    "MailMigOAuth2": {
        "allowed": ["AsyncHTTPClient", "NIOCore", "NIOHTTP1", "NIOFoundationCompat", "_CryptoExtras"],
        "forbidden": {m: WHY_PROTOCOL for m in ["MailMigCore", "MailMigCLI", "MailMigIMAP", "MailMigPOP3", "MailMigDNS"] + ADAPTERS},
    },
    # WebDAV, CalDAV and CardDAV over HTTP: XML requests and multistatus answers, no plan.
    "MailMigDAV": {
        "allowed": ["MailMigTLS", "AsyncHTTPClient", "NIOCore", "NIOHTTP1", "NIOFoundationCompat", "NIOSSL"],
        "forbidden": {m: WHY_PROTOCOL for m in ["MailMigCore", "MailMigCLI", "MailMigIMAP", "MailMigPOP3", "MailMigDNS"] + ADAPTERS},
    },
    # Adapters: the engine, their own protocol library (or storage library), and what it builds on.
    "MailMigDAVStore": {
        "allowed": ["MailMigCore", "MailMigDAV", "MailMigTLS", "MailMigOAuth2Login"],
        "forbidden": {m: WHY_ADAPTER for m in ["MailMigIMAP", "MailMigPOP3", "MailMigDNS", "MailMigIMAPStore", "MailMigPOP3Store", "MailMigStateSQLite", "MailMigStatePostgres", "MailMigMaildirStore", "MailMigPlanFile", "GRDB"] + DNS_ADAPTERS + DNS_ADAPTER_SUPPORT + FRONT_END},
    },
    "MailMigIMAPStore": {
        "allowed": ["MailMigCore", "MailMigIMAP", "MailMigOAuth2", "MailMigOAuth2Login", "NIOCore", "NIOPosix", "NIOSSL", "Logging", "Crypto"],
        "forbidden": {m: WHY_ADAPTER for m in ["MailMigPOP3", "MailMigDNS", "MailMigPOP3Store", "MailMigRFC2136", "MailMigStateSQLite", "MailMigStatePostgres", "MailMigMaildirStore", "MailMigPlanFile", "GRDB"] + DNS_ADAPTERS + DNS_ADAPTER_SUPPORT + FRONT_END},
    },
    "MailMigPOP3Store": {
        "allowed": ["MailMigCore", "MailMigPOP3", "MailMigTLS", "NIOCore", "NIOPosix", "NIOSSL", "Logging", "Crypto"],
        "forbidden": {m: WHY_ADAPTER for m in ["MailMigIMAP", "MailMigDNS", "MailMigIMAPStore", "MailMigRFC2136", "MailMigStateSQLite", "MailMigStatePostgres", "MailMigMaildirStore", "MailMigPlanFile", "GRDB"] + DNS_ADAPTERS + DNS_ADAPTER_SUPPORT + FRONT_END},
    },
    "MailMigRFC2136": {
        "allowed": ["MailMigCore", "MailMigDNS", "MailMigAuthoritativeDNS", "NIOCore", "NIOPosix", "Logging", "Crypto"],
        "forbidden": {m: WHY_ADAPTER for m in ["MailMigIMAP", "MailMigPOP3", "MailMigIMAPStore", "MailMigPOP3Store", "MailMigPowerDNS", "MailMigManualDNS", "MailMigStateSQLite", "MailMigStatePostgres", "MailMigMaildirStore", "MailMigPlanFile", "GRDB"] + FRONT_END},
    },
    "MailMigPowerDNS": {
        "allowed": ["MailMigCore", "MailMigDNS", "MailMigAuthoritativeDNS", "AsyncHTTPClient", "NIOCore", "NIOHTTP1", "NIOFoundationCompat", "NIOSSL", "Logging"],
        "forbidden": {m: WHY_ADAPTER for m in ["MailMigIMAP", "MailMigPOP3", "MailMigIMAPStore", "MailMigPOP3Store", "MailMigRFC2136", "MailMigManualDNS", "MailMigStateSQLite", "MailMigStatePostgres", "MailMigMaildirStore", "MailMigPlanFile", "GRDB"] + FRONT_END},
    },
    "MailMigManualDNS": {
        "allowed": ["MailMigCore", "MailMigDNS", "MailMigAuthoritativeDNS"],
        "forbidden": {m: WHY_ADAPTER for m in ["MailMigIMAP", "MailMigPOP3", "MailMigIMAPStore", "MailMigPOP3Store", "MailMigRFC2136", "MailMigPowerDNS", "MailMigStateSQLite", "MailMigStatePostgres", "MailMigMaildirStore", "MailMigPlanFile", "GRDB", "AsyncHTTPClient"] + FRONT_END},
    },
    # Shared by the network stores: the tokens of a side's OAuth 2.0 login, no protocol of mail.
    "MailMigOAuth2Login": {
        "allowed": ["MailMigCore", "MailMigOAuth2"],
        "forbidden": {m: "shared login support knows the engine and the OAuth 2.0 library, no mail protocol or adapter" for m in
                      ["MailMigIMAP", "MailMigPOP3", "MailMigDAV", "MailMigDNS", "MailMigPlanFile", "GRDB"] + ADAPTERS + FRONT_END},
    },
    # Shared by the DNS adapters: the presentation format, a zone's servers, the propagation check.
    "MailMigAuthoritativeDNS": {
        "allowed": ["MailMigCore", "MailMigDNS"],
        "forbidden": {m: "shared DNS adapter support knows the engine and the DNS library, no adapter" for m in
                      ["MailMigIMAP", "MailMigPOP3", "MailMigPlanFile", "GRDB"] + ADAPTERS + FRONT_END},
    },
    "MailMigStateSQLite": {
        "allowed": ["MailMigCore", "GRDB", "Logging", "Crypto"],
        "forbidden": {m: WHY_ADAPTER for m in PROTOCOL_LIBRARIES + ["MailMigIMAPStore", "MailMigPOP3Store", "MailMigRFC2136", "MailMigMaildirStore", "MailMigStatePostgres", "MailMigPlanFile", "PostgresNIO"] + DNS_ADAPTERS + DNS_ADAPTER_SUPPORT + FRONT_END},
    },
    # The state in PostgreSQL: PostgresNIO and the SwiftNIO it runs on, never SQLite's adapter or GRDB.
    "MailMigStatePostgres": {
        "allowed": ["MailMigCore", "PostgresNIO", "NIOCore", "NIOPosix", "NIOSSL", "Logging", "Crypto"],
        "forbidden": {m: WHY_ADAPTER for m in PROTOCOL_LIBRARIES + ["MailMigIMAPStore", "MailMigPOP3Store", "MailMigRFC2136", "MailMigMaildirStore", "MailMigStateSQLite", "MailMigPlanFile", "GRDB"] + DNS_ADAPTERS + DNS_ADAPTER_SUPPORT + FRONT_END},
    },
    "MailMigMaildirStore": {
        "allowed": ["MailMigCore", "Logging", "Crypto"],
        "forbidden": {m: WHY_ADAPTER for m in PROTOCOL_LIBRARIES + ["MailMigIMAPStore", "MailMigPOP3Store", "MailMigRFC2136", "MailMigStateSQLite", "MailMigStatePostgres", "MailMigPlanFile", "GRDB", "NIO*"] + DNS_ADAPTERS + DNS_ADAPTER_SUPPORT + FRONT_END},
    },
    # The command-line layer: options, views, progress, logging, and the composition root
    # (Sources/MailMigCLI/Adapters.swift), the one place that names adapters.
    "MailMigCLI": {
        "allowed": ["MailMigCore", "MailMigPlanFile"] + ADAPTERS + ["ArgumentParser", "Logging", "ConsoleKitTerminal"],
        "forbidden": {m: WHY_ROOT for m in PROTOCOL_LIBRARIES + ["GRDB"]},
    },
    # The executable: its commands only.
    "mailmig": {
        "allowed": ["MailMigCore", "MailMigPlanFile", "MailMigCLI", "ArgumentParser", "Logging"],
        "forbidden": {m: WHY_COMMANDS for m in PROTOCOL_LIBRARIES + ADAPTERS + ["GRDB"]},
    },
    # A benchmark of the IMAP library alone.
    "imap-throughput": {
        "allowed": ["MailMigIMAP", "NIOCore", "NIOPosix", "NIOSSL", "Logging"],
        "forbidden": {m: WHY_PROTOCOL for m in ["MailMigCore"] + ADAPTERS},
    },
    # Test support and tests.
    "FuzzSupport": {"allowed": [], "forbidden": {}},
    "TestSupport": {
        "allowed": ["MailMigCore", "MailMigPlanFile"] + list(TESTING),
        "forbidden": {m: WHY_FAKE for m in PROTOCOL_LIBRARIES + ADAPTERS},
    },
    "MailMigCoreTests": {
        "allowed": ["MailMigCore", "MailMigPlanFile", "MailMigStateSQLite", "MailMigRFC2136", "MailMigAuthoritativeDNS", "FuzzSupport", "TestSupport"],
        "forbidden": {m: WHY_ENGINE_TESTS for m in FRONT_END},
    },
    # The loader's tests read real DNS provider settings through the kinds the adapters register.
    "MailMigPlanFileTests": {
        "allowed": ["MailMigPlanFile", "MailMigCore"] + DNS_ADAPTERS + ["FuzzSupport"],
        "forbidden": {m: WHY_FORMAT for m in PROTOCOL_LIBRARIES + ["MailMigIMAPStore", "MailMigPOP3Store", "MailMigStateSQLite", "MailMigCLI"]},
    },
    # A scripted IMAP server for the IMAP library's tests and the IMAP store's: the protocol library only.
    "IMAPTestSupport": {
        "allowed": ["MailMigIMAP", "NIOCore", "NIOEmbedded", "Logging"],
        "forbidden": {m: WHY_PROTOCOL for m in ["MailMigCore"] + ADAPTERS},
    },
    "MailMigIMAPTests": {
        "allowed": ["MailMigIMAP", "MailMigTLS", "FuzzSupport", "IMAPTestSupport", "NIOCore", "NIOPosix", "NIOEmbedded", "Logging"],
        "forbidden": {m: WHY_PROTOCOL for m in ["MailMigCore"] + ADAPTERS},
    },
    "MailMigPOP3Tests": {
        "allowed": ["MailMigPOP3", "MailMigTLS", "FuzzSupport", "NIOCore", "NIOPosix", "NIOEmbedded", "Crypto"],
        "forbidden": {m: WHY_PROTOCOL for m in ["MailMigCore", "MailMigIMAP"] + ADAPTERS},
    },
    "MailMigTLSTests": {
        "allowed": ["MailMigTLS", "NIOCore", "NIOSSL"],
        "forbidden": {m: WHY_PROTOCOL for m in ["MailMigCore"] + PROTOCOL_LIBRARIES + ADAPTERS},
    },
    "MailMigDAVTests": {
        "allowed": ["MailMigDAV", "MailMigTLS", "FuzzSupport", "NIOCore", "NIOPosix", "NIOHTTP1", "Crypto"],
        "forbidden": {m: WHY_PROTOCOL for m in ["MailMigCore"] + ADAPTERS},
    },
    "MailMigDAVStoreTests": {
        "allowed": ["MailMigDAVStore", "MailMigDAV", "MailMigCore"],
        "forbidden": {m: WHY_PROTOCOL for m in ["MailMigIMAP", "MailMigPOP3", "MailMigDNS", "MailMigCLI"]},
    },
    "MailMigCLITests": {
        "allowed": ["MailMigCLI", "MailMigCore", "MailMigPlanFile", "TestSupport"],
        "forbidden": {m: "the CLI's tests reach adapters through the composition root" for m in PROTOCOL_LIBRARIES + ADAPTERS},
    },
    "MailMigIMAPStoreTests": {
        "allowed": ["MailMigIMAPStore", "MailMigOAuth2Login", "MailMigCore", "MailMigIMAP", "IMAPTestSupport"],
        "forbidden": {m: WHY_PROTOCOL for m in ["MailMigPOP3", "MailMigDNS", "MailMigPOP3Store", "MailMigRFC2136", "MailMigStateSQLite", "MailMigCLI"]},
    },
    # The POP3 store's tests also run the engine over it (plan, apply, verify into TestSupport's fake
    # target), which takes the plan loader and the SQLite state, as the engine's own tests do.
    "MailMigPOP3StoreTests": {
        "allowed": ["MailMigPOP3Store", "MailMigCore", "MailMigPOP3", "MailMigPlanFile", "MailMigStateSQLite", "TestSupport",
                    "NIOCore", "NIOPosix"],
        "forbidden": {m: WHY_PROTOCOL for m in ["MailMigIMAP", "MailMigDNS", "MailMigIMAPStore", "MailMigRFC2136", "MailMigCLI"]},
    },
    # The Maildir store's tests also run the engine over it (plan file, SQLite state, the in-memory store).
    "MailMigMaildirStoreTests": {
        "allowed": ["MailMigMaildirStore", "MailMigCore", "MailMigPlanFile", "MailMigStateSQLite", "TestSupport", "Crypto"],
        "forbidden": {m: WHY_ADAPTER for m in PROTOCOL_LIBRARIES + ["MailMigIMAPStore", "MailMigRFC2136", "MailMigCLI"]},
    },
    "MailMigConcurrencyTests": {
        "allowed": ["MailMigConcurrency"],
        "forbidden": {},
    },
    # A message's bytes in memory or in an unlinked temporary file: depends on nothing of mailmig's.
    "MailMigSpool": {
        "allowed": [],
        "forbidden": {m: "shared plumbing depends on nothing of mailmig's" for m in
                      ["MailMigCore", "MailMigConcurrency"] + PROTOCOL_LIBRARIES + ADAPTERS + ["GRDB", "NIO*", "Yams"] + FRONT_END},
    },
    "MailMigSpoolTests": {
        "allowed": ["MailMigSpool"],
        "forbidden": {},
    },
    # The date-time text IMAP and the state share: depends on nothing of mailmig's.
    "MailMigDateTime": {
        "allowed": [],
        "forbidden": {m: "shared plumbing depends on nothing of mailmig's" for m in
                      ["MailMigCore", "MailMigConcurrency", "MailMigSpool"] + PROTOCOL_LIBRARIES + ADAPTERS + ["GRDB", "NIO*", "Yams"] + FRONT_END},
    },
    "MailMigDateTimeTests": {
        "allowed": ["MailMigDateTime"],
        "forbidden": {},
    },
    # The SQLite state's own tests, and the conformance checks every state backend passes (TestSupport).
    "MailMigStateSQLiteTests": {
        "allowed": ["MailMigStateSQLite", "MailMigCore", "TestSupport", "GRDB"],
        "forbidden": {m: WHY_ADAPTER for m in PROTOCOL_LIBRARIES + ["MailMigIMAPStore", "MailMigPOP3Store", "MailMigRFC2136", "MailMigCLI"]},
    },
    "MailMigOAuth2Tests": {
        "allowed": ["MailMigOAuth2", "_CryptoExtras"],
        "forbidden": {m: WHY_PROTOCOL for m in ["MailMigCore"] + ADAPTERS},
    },
    "MailMigDNSTests": {
        "allowed": ["MailMigDNS", "FuzzSupport", "NIOCore", "NIOPosix", "NIOConcurrencyHelpers"],
        "forbidden": {m: WHY_PROTOCOL for m in ["MailMigCore"] + ADAPTERS},
    },
    "IntegrationTests": {
        # Crypto: the suites hash what they loaded and what arrived (SHA-256), as the verifier does.
        "allowed": ["MailMigCore", "MailMigPlanFile", "MailMigCLI"] + ADAPTERS + DNS_ADAPTER_SUPPORT + PROTOCOL_LIBRARIES + ["FuzzSupport", "TestSupport", "Crypto"],
        "forbidden": {},
    },
}

SEE = "see docs/architecture.md"

IMPORT = re.compile(
    r"^\s*(?:@[A-Za-z_]\w*(?:\([^)]*\))?\s+)*"          # @testable, @_exported, @preconcurrency ...
    r"(?:(?:public|package|internal|fileprivate|private|open)\s+)?"
    r"import\s+"
    r"(?:(?:typealias|struct|class|enum|protocol|let|var|func)\s+)?"
    r"([A-Za-z_]\w*)"                                     # the module (import struct X.Y -> X)
)


def matches(module, patterns):
    return next((p for p in patterns if fnmatch.fnmatchcase(module, p)), None)


def judge(target, module, test_code):
    """The reason `target` may not use `module`, or None when it may."""
    rule = RULES[target]
    pattern = matches(module, rule["forbidden"])
    if pattern is not None:
        return rule["forbidden"][pattern]
    if module == target or module in PLATFORM or (module in EVERYWHERE and target not in EVERYWHERE and target not in EVERYWHERE_EXCEPT) or (test_code and module in TESTING):
        return None
    if matches(module, rule["allowed"]) is None:
        return "not in its allowed list in scripts/check-boundaries.py"
    return None


def imports(path):
    """(line number, module) for each import in a Swift file, skipping comments and string literals."""
    found = []
    comment_depth = 0       # nested /* */
    in_text_block = False   # inside """ ... """
    for number, line in enumerate(path.read_text(encoding="utf-8", errors="replace").splitlines(), 1):
        if comment_depth == 0 and not in_text_block:
            match = IMPORT.match(line)
            if match:
                found.append((number, match.group(1)))
        i = 0
        while i < len(line):
            if comment_depth:
                if line.startswith("/*", i):
                    comment_depth += 1
                    i += 2
                elif line.startswith("*/", i):
                    comment_depth -= 1
                    i += 2
                else:
                    i += 1
            elif in_text_block:
                if line.startswith('"""', i):
                    in_text_block = False
                    i += 3
                elif line[i] == "\\":
                    i += 2
                else:
                    i += 1
            elif line.startswith("//", i):
                break
            elif line.startswith("/*", i):
                comment_depth += 1
                i += 2
            elif line.startswith('"""', i):
                in_text_block = True
                i += 3
            elif line[i] == '"':
                i += 1
                while i < len(line) and line[i] != '"':
                    i += 2 if line[i] == "\\" else 1
                i += 1
            else:
                i += 1
    return found


def dependency_names(target):
    """The module names a dumped target declares: targets by name, products by product name."""
    names = []
    for dependency in target.get("dependencies", []):
        for kind in ("byName", "target", "product"):
            if kind in dependency and dependency[kind]:
                names.append(dependency[kind][0])
    return names


def target_files(root, target):
    if target.get("path"):
        base = root / target["path"]
    else:
        base = root / ("Tests" if target.get("type") == "test" else "Sources") / target["name"]
    excluded = [base / e for e in target.get("exclude", [])]
    sources = [base / s for s in target["sources"]] if target.get("sources") else [base]
    files = set()
    for source in sources:
        candidates = [source] if source.is_file() else source.rglob("*.swift") if source.is_dir() else []
        for file in candidates:
            if file.suffix == ".swift" and not any(file == e or e in file.parents for e in excluded):
                files.add(file)
    return sorted(files)


def check(root, dump):
    """(violations, number of targets, number of files)."""
    violations = []
    file_count = 0
    for target in dump["targets"]:
        name = target["name"]
        if name not in RULES:
            violations.append(f"Package.swift: target {name} has no rule in scripts/check-boundaries.py "
                              f"(give it one; {SEE})")
            continue
        test_code = target.get("type") == "test" or name in ("TestSupport", "IMAPTestSupport")
        for module in dependency_names(target):
            why = judge(name, module, test_code)
            if why:
                violations.append(f"Package.swift: target {name} depends on {module} ({why}; {SEE})")
        for file in target_files(root, target):
            file_count += 1
            for number, module in imports(file):
                why = judge(name, module, test_code)
                if why:
                    violations.append(f"{file.relative_to(root)}:{number}: {name} imports {module} ({why}; {SEE})")
    return violations, len(dump["targets"]), file_count


def dump_package(root):
    result = subprocess.run(["swift", "package", "dump-package"], cwd=root, capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"check-boundaries: `swift package dump-package` failed:\n{result.stderr}")
    return json.loads(result.stdout)


def expect(condition, message):
    if not condition:
        sys.exit(f"check-boundaries self-test failed: {message}")


def self_test():
    """Runs the checker on a synthetic package: one clean layout, then the same with violations."""
    def target(name, deps=(), kind="regular", path=None):
        return {"name": name, "type": kind, "path": path, "exclude": [],
                "dependencies": [{"byName": [d, None]} for d in deps]}

    with tempfile.TemporaryDirectory() as temp:
        root = pathlib.Path(temp)
        files = {
            "Sources/MailMigCore/Engine.swift":
                'import Foundation\nimport Crypto\n/* import GRDB\n*/\nlet text = """\nimport MailMigIMAP\n"""\n',
            "Sources/MailMigIMAP/Client.swift":
                "#if canImport(Glibc)\nimport Glibc\n#endif\n@preconcurrency import NIOCore\n",
            "Sources/MailMigIMAPStore/Store.swift": "import MailMigCore\nimport MailMigIMAP\n",
            "Sources/MailMigCLI/Adapters.swift": "import MailMigCore\nimport MailMigIMAPStore\n",
            "Sources/mailmig/MailMig.swift": "import ArgumentParser\nimport MailMigCLI\n",
            "Tests/MailMigCoreTests/EngineTests.swift": "import Testing\n@testable import MailMigCore\n",
        }
        for relative, text in files.items():
            (root / relative).parent.mkdir(parents=True, exist_ok=True)
            (root / relative).write_text(text)
        dump = {"targets": [
            target("MailMigCore"),
            target("MailMigIMAP"),
            target("MailMigIMAPStore", ["MailMigCore", "MailMigIMAP"]),
            target("MailMigCLI", ["MailMigCore", "MailMigIMAPStore"]),
            target("mailmig", ["MailMigCLI"], kind="executable"),
            target("MailMigCoreTests", ["MailMigCore"], kind="test"),
        ]}
        dump["targets"][0]["dependencies"].append({"product": ["Crypto", "swift-crypto", None, None]})

        violations, targets, count = check(root, dump)
        expect(violations == [], f"clean layout reported: {violations}")
        expect((targets, count) == (6, 6), f"counted {targets} targets, {count} files")

        # Now break it: the engine imports the IMAP library, NIO and GRDB (as @_exported, as
        # `import struct`, inside #if canImport) and depends on GRDB; the IMAP library imports the
        # engine; a target without a rule appears.
        (root / "Sources/MailMigCore/Seam.swift").write_text(
            "import Foundation\n\n@_exported import MailMigIMAP\nimport struct NIOCore.ByteBuffer\n"
            "#if canImport(GRDB)\n@testable import GRDB\n#endif\n")
        (root / "Sources/MailMigIMAP/Back.swift").write_text("import MailMigCore\n")
        dump["targets"][0]["dependencies"].append({"product": ["GRDB", "GRDB.swift", None, None]})
        dump["targets"].append(target("Stray"))
        violations, _, _ = check(root, dump)
        expected = [
            "Package.swift: target MailMigCore depends on GRDB (" + WHY_ENGINE,
            "Sources/MailMigCore/Seam.swift:3: MailMigCore imports MailMigIMAP (" + WHY_ENGINE,
            "Sources/MailMigCore/Seam.swift:4: MailMigCore imports NIOCore (" + WHY_ENGINE,
            "Sources/MailMigCore/Seam.swift:6: MailMigCore imports GRDB (" + WHY_ENGINE,
            "Sources/MailMigIMAP/Back.swift:1: MailMigIMAP imports MailMigCore (" + WHY_PROTOCOL,
            "Package.swift: target Stray has no rule",
        ]
        for prefix in expected:
            expect(any(v.startswith(prefix) for v in violations), f"missed: {prefix}\ngot: {violations}")
        expect(len(violations) == len(expected), f"unexpected: {violations}")
    print(f"module boundaries self-test: {len(expected)} planted violations caught, clean layout passes")


def main():
    parser = argparse.ArgumentParser(description="Checks mailmig's module boundaries.")
    parser.add_argument("--self-test", action="store_true", help="check the checker on a synthetic package")
    parser.add_argument("--dump", help="read this `swift package dump-package` JSON instead of running it")
    parser.add_argument("--root", default=str(ROOT), help="the package directory (default: this repository)")
    arguments = parser.parse_args()
    if arguments.self_test:
        self_test()
        return 0
    root = pathlib.Path(arguments.root).resolve()
    dump = json.loads(pathlib.Path(arguments.dump).read_text()) if arguments.dump else dump_package(root)
    violations, targets, files = check(root, dump)
    for violation in violations:
        print(violation)
    if violations:
        print(f"module boundaries: {len(violations)} violation{'s' if len(violations) != 1 else ''}", file=sys.stderr)
        return 1
    print(f"module boundaries: {targets} targets, {files} files, no violation")
    return 0


if __name__ == "__main__":
    sys.exit(main())
