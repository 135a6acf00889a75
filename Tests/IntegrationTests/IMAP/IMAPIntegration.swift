import Testing

/// All IMAP integration suites, run one test at a time: they measure memory and share two servers.
@Suite("IMAP against Dovecot", .enabled(if: TestEnvironment.isEnabled), .serialized)
enum IMAPIntegration {}
