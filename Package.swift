// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "mailmig",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "mailmig", targets: ["mailmig"]),
        .library(name: "MailMigCore", targets: ["MailMigCore"]),
        .library(name: "MailMigPlanFile", targets: ["MailMigPlanFile"]),
        .library(name: "MailMigIMAP", targets: ["MailMigIMAP"]),
        .library(name: "MailMigPOP3", targets: ["MailMigPOP3"]),
        .library(name: "MailMigDNS", targets: ["MailMigDNS"]),
        .library(name: "MailMigIMAPStore", targets: ["MailMigIMAPStore"]),
        .library(name: "MailMigPOP3Store", targets: ["MailMigPOP3Store"]),
        .library(name: "MailMigRFC2136", targets: ["MailMigRFC2136"]),
        .library(name: "MailMigPowerDNS", targets: ["MailMigPowerDNS"]),
        .library(name: "MailMigManualDNS", targets: ["MailMigManualDNS"]),
        .library(name: "MailMigStateSQLite", targets: ["MailMigStateSQLite"]),
        .library(name: "MailMigStatePostgres", targets: ["MailMigStatePostgres"]),
        .library(name: "MailMigMaildirStore", targets: ["MailMigMaildirStore"]),
        .library(name: "MailMigDAV", targets: ["MailMigDAV"]),
        .library(name: "MailMigDAVStore", targets: ["MailMigDAVStore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/vapor/console-kit", from: "4.16.2"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
    ],
    targets: [
        .executableTarget(
            name: "mailmig",
            dependencies: [
                "MailMigCore",
                "MailMigPlanFile",
                "MailMigCLI",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The testable command-line layer: options, views (human, JSON, Markdown, HTML), colour,
        // progress, logging, and the composition root that registers every adapter.
        .target(
            name: "MailMigCLI",
            dependencies: [
                "MailMigCore",
                "MailMigPlanFile",
                "MailMigIMAPStore",
                "MailMigMaildirStore",
                "MailMigPOP3Store",
                "MailMigDAVStore",
                "MailMigRFC2136",
                "MailMigPowerDNS",
                "MailMigManualDNS",
                "MailMigStateSQLite",
                "MailMigStatePostgres",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ConsoleKitTerminal", package: "console-kit"),
            ]
        ),
        .target(
            name: "MailMigCore",
            dependencies: [
                "MailMigConcurrency",
                "MailMigSpool",
                "MailMigDateTime",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        // The plan file format: the YAML reader, the plan decoder, CSV mailbox lists, the JSON Schema
        // and the starter plan. The engine receives the typed plan and knows nothing of the file.
        .target(
            name: "MailMigPlanFile",
            dependencies: [
                "MailMigCore",
                .product(name: "Yams", package: "Yams"),
            ]
        ),
        // The mail store over IMAP (RFC 3501/9051 and the extensions the copier uses).
        .target(
            name: "MailMigIMAPStore",
            dependencies: ["MailMigCore", "MailMigIMAP", "MailMigSpool", "MailMigOAuth2", "MailMigOAuth2Login", .product(name: "Logging", package: "swift-log")]
        ),
        // OAuth 2.0 access tokens (RFC 6749 client credentials and refresh tokens, RFC 7523 JWT bearer
        // signed RS256, a command that prints one), cached in memory: a protocol library, no plan.
        .target(
            name: "MailMigOAuth2",
            dependencies: [
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOFoundationCompat", package: "swift-nio"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
            ]
        ),
        // The mail store over local Maildir++ trees: the backup of every source mailbox, and a source to restore from.
        .target(
            name: "MailMigMaildirStore",
            dependencies: [
                "MailMigCore",
                "MailMigSpool",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The mail store over POP3 (RFC 1939): a maildrop read as one folder, as a source only.
        .target(name: "MailMigPOP3Store", dependencies: ["MailMigCore", "MailMigPOP3", "MailMigTLS"]),
        // Contacts and calendars on a CardDAV/CalDAV server: the collection store of a side's `dav:`.
        .target(name: "MailMigDAVStore", dependencies: ["MailMigCore", "MailMigDAV", "MailMigTLS", "MailMigOAuth2Login"]),
        // The tokens of a side's `login.oauth2`, which every network store that logs in with them shares.
        .target(name: "MailMigOAuth2Login", dependencies: ["MailMigCore", "MailMigOAuth2"]),
        // WebDAV, CalDAV and CardDAV requests and their XML (RFC 4918, 4791, 6352, 6578, 6764), over HTTP.
        .target(
            name: "MailMigDAV",
            dependencies: [
                "MailMigTLS",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOFoundationCompat", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ]
        ),
        // Reading RRsets at a zone's servers over the DNS protocol, which every DNS provider shares: the
        // presentation format (RFC 1035 §5.1), the zone's authoritative servers, the propagation check.
        .target(name: "MailMigAuthoritativeDNS", dependencies: ["MailMigCore", "MailMigDNS"]),
        // DNS providers over the DNS protocol itself (RFC 2136 updates signed with TSIG).
        .target(name: "MailMigRFC2136", dependencies: ["MailMigCore", "MailMigDNS", "MailMigAuthoritativeDNS"]),
        // The PowerDNS Authoritative HTTP API: RRsets replaced with PATCH, read back through the API.
        .target(
            name: "MailMigPowerDNS",
            dependencies: [
                "MailMigCore",
                "MailMigDNS",
                "MailMigAuthoritativeDNS",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOFoundationCompat", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ]
        ),
        // A DNS host mailmig cannot drive: the operator sets the records, mailmig checks them.
        .target(name: "MailMigManualDNS", dependencies: ["MailMigCore", "MailMigDNS", "MailMigAuthoritativeDNS"]),
        // The state as one SQLite file per plan: the adapter behind MailMigCore's StateBackend.
        .target(
            name: "MailMigStateSQLite",
            dependencies: [
                "MailMigCore",
                .product(name: "GRDB", package: "GRDB.swift"),
            ]
        ),
        // The state in a PostgreSQL database, one schema per plan, locked with a session advisory lock.
        .target(
            name: "MailMigStatePostgres",
            dependencies: [
                "MailMigCore",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        // Bounded hand-over between tasks and a bounded task group: what the engine and the protocol
        // libraries share, knowing nothing of mail.
        .target(name: "MailMigConcurrency"),
        // A message's bytes in memory or, when too large to hold, in an unlinked temporary file: what the
        // engine and the mail protocol libraries hand each other, knowing nothing of mail.
        .target(name: "MailMigSpool"),
        // The date-time text of RFC 3501 §9 (`dd-Mon-yyyy hh:mm:ss ±hhmm`): IMAP's INTERNALDATE, and the
        // form the state keeps a message's internal date in; read without Foundation's formatters.
        .target(name: "MailMigDateTime"),
        // The client side of TLS both mail protocol libraries share: trust settings, the handler with its
        // SNI rule, readable handshake failures, the guard against data injected before STARTTLS/STLS.
        .target(
            name: "MailMigTLS",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ]
        ),
        .target(
            name: "MailMigIMAP",
            dependencies: [
                "MailMigConcurrency",
                "MailMigSpool",
                "MailMigDateTime",
                "MailMigTLS",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // A POP3 client library (RFC 1939, 2449, 2595, 3206, 5034) that reads mail and cannot delete it.
        .target(
            name: "MailMigPOP3",
            dependencies: [
                "MailMigTLS",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .executableTarget(name: "imap-throughput", dependencies: ["MailMigIMAP"]),
        .target(
            name: "MailMigDNS",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        // A seeded mutation driver shared by the fuzz suites of the unit-test targets.
        .target(name: "FuzzSupport", path: "Tests/FuzzSupport"),
        // An in-memory mail store with fault injection, for driving the engine's mail code without servers,
        // and the fixtures both the engine's and the command line's tests use.
        .target(name: "TestSupport", dependencies: ["MailMigCore", "MailMigPlanFile", "MailMigSpool"], path: "Tests/TestSupport"),
        // The engine's tests; the views and the rest of the command line are tested in MailMigCLITests.
        .testTarget(name: "MailMigCoreTests", dependencies: ["MailMigCore", "MailMigPlanFile", "MailMigStateSQLite", "MailMigRFC2136", "MailMigAuthoritativeDNS", "FuzzSupport", "TestSupport"]),
        .testTarget(name: "MailMigPlanFileTests", dependencies: ["MailMigPlanFile", "MailMigCore", "MailMigRFC2136", "MailMigPowerDNS", "MailMigManualDNS", "FuzzSupport"]),
        .testTarget(
            name: "MailMigIMAPTests",
            dependencies: [
                "MailMigIMAP",
                "MailMigTLS",
                "IMAPTestSupport",
                "FuzzSupport",
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "MailMigPOP3Tests",
            dependencies: [
                "MailMigPOP3",
                "MailMigTLS",
                "FuzzSupport",
                .product(name: "NIOEmbedded", package: "swift-nio"),
            ]
        ),
        .testTarget(name: "MailMigTLSTests", dependencies: ["MailMigTLS", .product(name: "NIOSSL", package: "swift-nio-ssl")]),
        .testTarget(name: "MailMigCLITests", dependencies: ["MailMigCLI", "MailMigCore", "MailMigPlanFile", "TestSupport"]),
        // A scripted IMAP server on an in-memory channel, for the IMAP library's tests and the IMAP store's.
        .target(name: "IMAPTestSupport", dependencies: ["MailMigIMAP", .product(name: "NIOEmbedded", package: "swift-nio"),
                                                   .product(name: "Logging", package: "swift-log")],
                path: "Tests/IMAPTestSupport"),
        .testTarget(name: "MailMigIMAPStoreTests", dependencies: ["MailMigIMAPStore", "MailMigOAuth2Login", "MailMigCore", "MailMigIMAP", "IMAPTestSupport"]),
        .testTarget(name: "MailMigOAuth2Tests", dependencies: ["MailMigOAuth2", .product(name: "_CryptoExtras", package: "swift-crypto")]),
        // The Maildir store's own tests, and the engine copying into it and back out of it.
        .testTarget(
            name: "MailMigMaildirStoreTests",
            dependencies: [
                "MailMigMaildirStore",
                "MailMigCore",
                "MailMigSpool",
                "MailMigPlanFile",
                "MailMigStateSQLite",
                "TestSupport",
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        // The POP3 store against a scripted POP3 server on a loopback port, alone and under the engine.
        .testTarget(
            name: "MailMigPOP3StoreTests",
            dependencies: [
                "MailMigPOP3Store",
                "MailMigCore",
                "MailMigPOP3",
                "MailMigPlanFile",
                "MailMigStateSQLite",
                "TestSupport",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        .testTarget(name: "MailMigConcurrencyTests", dependencies: ["MailMigConcurrency"]),
        .testTarget(name: "MailMigSpoolTests", dependencies: ["MailMigSpool"]),
        .testTarget(name: "MailMigDateTimeTests", dependencies: ["MailMigDateTime"]),
        .testTarget(name: "MailMigStateSQLiteTests", dependencies: ["MailMigStateSQLite", "MailMigCore", "TestSupport", .product(name: "GRDB", package: "GRDB.swift")]),
        .testTarget(name: "MailMigDNSTests", dependencies: ["MailMigDNS", "FuzzSupport"]),
        .testTarget(name: "MailMigDAVTests", dependencies: ["MailMigDAV", "FuzzSupport", .product(name: "Crypto", package: "swift-crypto")]),
        .testTarget(
            name: "IntegrationTests",
            dependencies: ["MailMigCore", "MailMigPlanFile", "MailMigCLI", "MailMigStateSQLite", "MailMigStatePostgres", "MailMigIMAPStore", "MailMigDAVStore", "MailMigDAV", "MailMigRFC2136", "MailMigPowerDNS", "MailMigManualDNS", "MailMigIMAP", "MailMigPOP3", "MailMigDNS",
                           "TestSupport", .product(name: "Crypto", package: "swift-crypto")]
        ),
    ],
    swiftLanguageModes: [.v6]
)
