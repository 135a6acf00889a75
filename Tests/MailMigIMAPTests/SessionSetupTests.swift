import IMAPTestSupport
import Testing
@testable import MailMigIMAP

@Suite("Session setup")
struct SessionSetupTests {
    @Test("ENABLE and NAMESPACE go out together before either is answered; both results come back")
    func enableAndNamespaceArePipelined() async throws {
        let server = try await ScriptedServer.start()
        try await server.login(capabilities: "IMAP4rev1 ENABLE CONDSTORE NAMESPACE")
        async let setup = server.client.enableAndListNamespaces(["condstore", "QRESYNC"])
        let enable = try await server.received()
        let namespace = try await server.received()
        #expect(enable == "M2 ENABLE CONDSTORE\r\n", "only what the server offers is enabled")
        #expect(namespace == "M3 NAMESPACE\r\n")
        try await server.send("* ENABLED CONDSTORE", "M2 OK enabled",
                              "* NAMESPACE ((\"INBOX.\" \".\")) NIL ((\"shared.\" \".\"))", "M3 OK done")
        let (enabled, namespaces) = try await setup
        #expect(enabled == ["CONDSTORE"])
        #expect(namespaces?.personal.first?.prefix == "INBOX." && namespaces?.shared.first?.prefix == "shared.")
    }

    @Test("a failed ENABLE is thrown once NAMESPACE has completed too, so the connection stays in step")
    func failureAfterBothComplete() async throws {
        let server = try await ScriptedServer.start()
        try await server.login(capabilities: "IMAP4rev1 ENABLE CONDSTORE NAMESPACE")
        let client = server.client
        let setup = Task { try await client.enableAndListNamespaces(["CONDSTORE"]) }
        _ = try await server.received()
        _ = try await server.received()
        try await server.send("M2 BAD not now", "* NAMESPACE NIL NIL NIL", "M3 OK done")
        await #expect(throws: IMAPError.self) { try await setup.value }
        async let noop: Void = server.client.noop()
        #expect(try await server.received() == "M4 NOOP\r\n")
        try await server.send("M4 OK done")
        try await noop
    }

    @Test("without ENABLE and NAMESPACE nothing is sent")
    func nothingToAsk() async throws {
        let server = try await ScriptedServer.start()
        try await server.login(capabilities: "IMAP4rev1")
        let (enabled, namespaces) = try await server.client.enableAndListNamespaces(["CONDSTORE"])
        #expect(enabled.isEmpty && namespaces == nil)
    }
}
