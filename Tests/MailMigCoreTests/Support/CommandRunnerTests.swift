import Foundation
@testable import MailMigCore
import Testing

/// Plan commands (provisioning, enumeration, token commands) never keep their caller waiting past
/// their time limit, and stopping one stops what it started.
@Suite("Command runner")
struct CommandRunnerTests {
    static let folder = URL(fileURLWithPath: NSTemporaryDirectory())
    static let environment = ["PATH": "/usr/bin:/bin"]

    @Test("at the time limit the whole process group is stopped, the background child too, within seconds")
    func timeoutStopsTheGroup() async throws {
        let pidFile = Self.folder.appendingPathComponent("mailmig-cr-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: pidFile) }
        let started = Date()
        let outcome = try await CommandRunner.run(["sh", "-c", "sleep 60 & echo $! > '\(pidFile.path)'; trap '' TERM; sleep 60"],
                                                  in: Self.folder, environment: Self.environment, timeout: 1)
        let took = Date().timeIntervalSince(started)
        #expect(!outcome.exited && !outcome.succeeded)
        // Without the group kill it would take the 60 s of the sleeps; the margin is for a loaded
        // machine (the whole unit suite at once on two cores has taken this test 25 s).
        #expect(took < 45, "took \(took) s")
        let child = try #require(Int32(try String(contentsOf: pidFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)))
        try await Task.sleep(for: .milliseconds(200))
        #expect(CommandRunner.hasExited(child), "the background child \(child) outlived the command")
    }

    @Test("a command that exits while a background child still holds its output returns within seconds with what it printed")
    func backgroundChildHoldingOutput() async throws {
        let started = Date()
        let outcome = try await CommandRunner.run(["sh", "-c", "sleep 120 & echo token-123"], in: Self.folder, environment: Self.environment, timeout: 60)
        // Waiting for the background child would take its 120 s (or the 60 s limit); the margin is for a loaded machine.
        #expect(Date().timeIntervalSince(started) < 25)
        #expect(outcome.succeeded)
        #expect(String(decoding: outcome.output, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines) == "token-123")
    }
}
