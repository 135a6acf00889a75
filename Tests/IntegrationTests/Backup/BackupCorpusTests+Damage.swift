import Foundation
import Testing

extension BackupCorpusTests {
    /// One byte flipped in one message file of a nested folder of the backup (its modification time put
    /// back, so only the bytes differ): `verify --backup` fails and names the file, the folder and the
    /// mailbox; `verify` of the target, which the damage does not touch, still passes.
    func expectDamageFound(_ user: String, workspace: MailPlanWorkspace) throws {
        let tree = workspace.backupTree(of: user)
        let folder = "Kunden/ACME Corp/2024"
        guard let victim = try tree.messageFiles().filter({ $0.folder == folder }).min(by: { $0.file < $1.file }) else {
            Issue.record("no message file in the backup's folder \(folder)")
            return
        }
        let url = tree.root.appendingPathComponent(victim.file)
        let modified = try FileManager.default.attributesOfItem(atPath: url.path)[.modificationDate] as? Date
        var bytes = try Data(contentsOf: url)
        let offset = bytes.count / 2
        bytes[offset] ^= 0x01
        let handle = try FileHandle(forWritingTo: url)
        try handle.seek(toOffset: UInt64(offset))
        try handle.write(contentsOf: bytes[offset...offset])
        try handle.close()
        if let modified { try FileManager.default.setAttributes([.modificationDate: modified], ofItemAtPath: url.path) }

        let output = try BackupExpectations.expectVerify(workspace, ["--backup"], status: 1, "a flipped byte")
        let name = url.lastPathComponent
        #expect(output.contains(name), "verify --backup names the damaged file \(name):\n\(output)")
        #expect(output.contains("folder '\(folder)'"), "verify --backup names the folder:\n\(output)")
        #expect(output.contains("✗ \(user)@acme.test → backup"), "verify --backup names the mailbox:\n\(output)")
        #expect(output.contains("has changed since it was written"), "the file is found changed against the manifest:\n\(output)")
        #expect(output.contains("\(folder): body differs (SHA-256)"), "the body is found changed against the source:\n\(output)")
        print("verify --backup after a flipped byte:\n" + output.split(separator: "\n").filter { !$0.isEmpty }.prefix(8).joined(separator: "\n"))
        try BackupExpectations.expectVerify(workspace, [], status: 0, "the target after the backup was damaged")

        // A restore from the damaged backup refuses the file instead of passing it on as the message.
        let restoreUser = "\(user)-dmg"
        try MailTestServers.addUser(restoreUser, on: .target)
        defer { MailTestServers.removeUser(restoreUser, on: .target) }
        let restore = try MailPlanWorkspace(mailboxes: [.init(source: user, target: restoreUser)],
                                            sourceMaildir: workspace.folder.appendingPathComponent("backups").path + "/{source}")
        defer { restore.remove() }
        let refused = try restore.mailmig(["apply", "--auto-approve"])
        let text = refused.stdout + refused.stderr
        #expect(refused.status != 0, "a restore from a damaged backup must not succeed:\n\(text)")
        #expect(text.contains(name) && text.contains("is not the message its manifest recorded"), "the restore names the damaged file:\n\(text)")
        let restored = try MailTestServers.snapshot(restoreUser, on: .target)
        let damaged = SHA256Hex.of(bytes)
        #expect(!restored.allMessages.contains { $0.sha256 == damaged }, "the damaged bytes reached the target")
    }
}
