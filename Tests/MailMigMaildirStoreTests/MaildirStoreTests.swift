import Foundation
import MailMigCore
import MailMigMaildirStore
import MailMigSpool
import Testing

/// The store: roots created and refused, permissions, the lock, errors that name the store and path.
@Suite("Maildir store: roots and permissions")
struct MaildirStoreTests {
    @Test("a target creates its root; files are 0600 and directories 0700")
    func permissions() async throws {
        let fixture = try MaildirFixture()
        try await fixture.session { session in
            try await session.createFolder("Sent")
            try await session.subscribe("Sent")
            _ = try await session.append([OutgoingMessage(body: Samples.message("p"), flags: ["\\Seen"], internalDate: nil)], to: "Sent")
        }
        let root = fixture.root().path
        #expect(try fixture.mode(root) == 0o700)
        #expect(try fixture.mode(fixture.folder.appendingPathComponent("backups").path) == 0o700, "directories created above it too")
        for directory in ["cur", "new", "tmp", ".Sent", ".Sent/cur", ".Sent/new", ".Sent/tmp"] {
            #expect(try fixture.mode(fixture.path(directory)) == 0o700, "\(directory)")
        }
        let message = try #require(try fixture.files(in: ".Sent").first)
        for file in ["manifest.jsonl", "mailmig.lock", "mailmig-uidvalidity", "mailmig-subscriptions.json", ".Sent/maildirfolder",
                     ".Sent/mailmig-uidvalidity", ".Sent/cur/" + message] {
            #expect(try fixture.mode(fixture.path(file)) == 0o600, "\(file)")
        }
    }

    @Test("a source whose root does not exist fails as .noSuchFolder, naming the store and the path")
    func missingSource() async throws {
        let fixture = try MaildirFixture()
        do {
            try await fixture.session(.source) { _ in }
            Issue.record("opened a missing source")
        } catch let error as MailError {
            #expect(error.kind == .noSuchFolder)
            #expect(error.server == "backup backups/")
            #expect(error.reason.contains(fixture.root().path))
            #expect(error.description.hasPrefix("source server backup backups/, mailbox alice@acme.test: "))
        }
        #expect(!FileManager.default.fileExists(atPath: fixture.root().path), "reading creates nothing")
    }

    @Test("a second session on the same Maildir is refused while the first holds it, and allowed after")
    func lock() async throws {
        let fixture = try MaildirFixture()
        try await fixture.session { _ in
            do {
                try await fixture.session(.source) { _ in }
                Issue.record("two sessions at once")
            } catch let error as MailError {
                #expect(error.reason.contains("in use"))
                #expect(error.reason.contains("mailmig.lock"))
            }
        }
        try await fixture.session(.source) { _ in }
    }

    @Test("a message that cannot be written fails, with every one after it, naming the file; nothing is left or recorded")
    func writeFailure() async throws {
        let fixture = try MaildirFixture()
        try await fixture.session { session in
            try await session.createFolder("Broken")
            try FileManager.default.removeItem(atPath: fixture.path(".Broken/tmp"))
            try Data().write(to: URL(fileURLWithPath: fixture.path(".Broken/tmp")))
            let outcomes = try await session.append((0..<3).map { OutgoingMessage(body: Samples.message("b\($0)"), flags: [], internalDate: nil) },
                                                    to: "Broken")
            #expect(outcomes.count == 3)
            for outcome in outcomes {
                guard case .failed(let error) = outcome else { Issue.record("not failed: \(outcome)"); continue }
                #expect("\(error)".hasPrefix("cannot write the message file \(fixture.path(".Broken/tmp/"))"))
            }
        }
        #expect(try fixture.files(in: ".Broken").isEmpty)
        #expect(try MaildirManifest.read(root: fixture.root()).lineCount == 0)
    }

    @Test("the manifest records the digest a message comes with, as the copier hashed it, and hashes the bytes itself otherwise")
    func givenDigest() async throws {
        let fixture = try MaildirFixture()
        let given = String(repeating: "ab", count: 32)
        let keys = try await fixture.session { session in
            try await session.append([OutgoingMessage(content: MessageBytes(Samples.message("given")), flags: [], internalDate: nil, containsNUL: false,
                                                      sha256: given),
                                      OutgoingMessage(body: Samples.message("hashed"), flags: [], internalDate: nil)], to: "INBOX").compactMap(Samples.key)
        }
        #expect(keys.count == 2)
        let manifest = try MaildirManifest.read(root: fixture.root())
        // The store takes the caller's word (it is the ledger's digest of the same bytes), so the body is read once.
        #expect(manifest.entry(folder: "INBOX", key: keys[0].value)?.sha256 == given)
        #expect(manifest.entry(folder: "INBOX", key: keys[1].value)?.sha256 == SHA256Hex.of(Samples.message("hashed")))
    }

    @Test("the store never deletes: replacing flags and storing again keeps every file")
    func neverDeletes() async throws {
        let fixture = try MaildirFixture()
        try await fixture.session { session in
            let keys = try await session.append((0..<5).map { OutgoingMessage(body: Samples.message("n\($0)"), flags: ["\\Deleted"], internalDate: nil) },
                                                to: "INBOX").compactMap(Samples.key)
            _ = try await session.openFolder("INBOX", forWriting: true)
            try await session.replaceFlags(of: keys, with: ["\\Deleted", "\\Seen"])
            try await session.closeFolder()
        }
        #expect(try fixture.files(in: "").count == 5)
        #expect(try fixture.files(in: "").allSatisfy { $0.hasSuffix(":2,ST") })
    }
}
