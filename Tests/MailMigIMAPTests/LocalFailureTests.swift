import IMAPTestSupport
import Testing
@testable import MailMigIMAP

@Suite("Failures that are not the server's")
struct LocalFailureTests {
    @Test("a spool directory that cannot be used fails the fetch with one sentence naming it, not as a lost connection")
    func unusableSpoolDirectory() async throws {
        let server = try await ScriptedServer.start(spoolThreshold: 1_000, spoolDirectory: "/nonexistent/mailmig-spool")
        try await server.login(capabilities: "IMAP4rev1")
        try await server.selectInbox(tag: "M2")
        let stream = try await server.client.fetch(.range(1, 1), body: true)
        _ = try await server.received()
        try? await server.send(bytes: Array("* 1 FETCH (UID 1 FLAGS () INTERNALDATE \"01-Feb-2020 10:00:00 +0100\" RFC822.SIZE 5000 BODY[] {5000}\r\n".utf8))
        do {
            for try await _ in stream {}
            Issue.record("the fetch completed")
        } catch let error as IMAPError {
            guard case .localStorage = error else {
                Issue.record("not a local storage error: \(error)")
                return
            }
            #expect(error.description.contains("because this machine could not create a spool file in /nonexistent/mailmig-spool"))
            #expect(!error.description.contains("was lost"))
        }
    }

}
