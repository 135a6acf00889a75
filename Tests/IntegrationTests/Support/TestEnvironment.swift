import Foundation

/// Access to the real servers that `scripts/testenv.sh start` runs for the integration tests.
///
/// Integration tests run only when `MAILMIG_INTEGRATION=1` (set by `scripts/test.sh`). Once enabled,
/// a missing server variable is a test failure, never a silent skip.
enum TestEnvironment {
    /// Whether the integration suites should run at all.
    static var isEnabled: Bool {
        ProcessInfo.processInfo.environment["MAILMIG_INTEGRATION"] == "1"
    }

    /// The value of a variable written by a test-environment script, or a thrown error naming it.
    static func require(_ name: String) throws -> String {
        guard let value = ProcessInfo.processInfo.environment[name], !value.isEmpty else {
            throw MissingVariable(name: name)
        }
        return value
    }

    /// An integer variable, e.g. a port.
    static func requireInt(_ name: String) throws -> Int {
        let text = try require(name)
        guard let value = Int(text) else { throw MissingVariable(name: name) }
        return value
    }

    /// The root of the repository, found from this source file's location.
    static var repositoryRoot: URL {
        URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent()  // Support
            .deletingLastPathComponent()  // IntegrationTests
            .deletingLastPathComponent()  // Tests
            .deletingLastPathComponent()
    }

    /// A required test-environment variable was not set.
    struct MissingVariable: Error, CustomStringConvertible {
        let name: String
        var description: String {
            "integration tests need \(name); run them through scripts/test.sh, which starts the servers"
        }
    }
}
