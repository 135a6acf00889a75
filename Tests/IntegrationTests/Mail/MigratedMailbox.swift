import Foundation
import MailMigCore
import Testing

/// A source user loaded with a small generated corpus, a target user, a plan, and a first pass done.
struct MigratedMailbox {
    let user: String
    let corpus: URL
    var workspace: MailPlanWorkspace

    /// `base` names the users; the default corpus is 120 messages with a few attachments.
    init(_ base: String, corpus arguments: [String] = ["--messages", "120", "--seed", "5", "--attachments", "0.02", "--attachment-max", "300000"]) throws {
        user = MailTestServers.uniqueUser(base)
        try MailTestServers.addUser(user, on: .source)
        try MailTestServers.addUser(user, on: .target)
        corpus = try MailTestServers.generate(["--mailboxes", "1"] + arguments)
        try MailTestServers.load(corpus.appendingPathComponent("mbox01"), into: user)
        workspace = try MailPlanWorkspace(mailboxes: [.init(source: user, target: user)])
        _ = try workspace.apply()
    }

    var address: String { "\(user)@acme.test" }

    /// The target equals the source under the default rules.
    func expectTargetMatchesSource(_ context: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) throws {
        let expected = MailFolderRules().expected(from: try MailTestServers.snapshot(user, on: .source))
        let actual = try MailTestServers.snapshot(user, on: .target).multisets
        #expect(actual == expected, "\(context):\n\(MailboxSnapshot.difference(expected: expected, actual: actual))", sourceLocation: sourceLocation)
    }

    /// Messages on one side, over all folders.
    func count(on instance: MailTestServers.Instance) throws -> Int { try MailTestServers.snapshot(user, on: instance).count }

    func folderRecord(_ folder: String) throws -> FolderRecord? {
        try workspace.state().resource(FolderRecord.address(mailbox: address, folder: folder)).map { try $0.decode(FolderRecord.self) }
    }

    func mailboxRecord() throws -> MailboxRecord? {
        try workspace.state().resource(MailboxRecord.address(address)).map { try $0.decode(MailboxRecord.self) }
    }

    func cleanUp() {
        workspace.remove()
        try? FileManager.default.removeItem(at: corpus.deletingLastPathComponent())
        MailTestServers.removeUsers([user])
    }
}
