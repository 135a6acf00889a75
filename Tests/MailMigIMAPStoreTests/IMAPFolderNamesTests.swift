import MailMigCore
@testable import MailMigIMAP
@testable import MailMigIMAPStore
import Testing

/// Paths and server names: INBOX known by its name, never by a path that looks like it.
@Suite("IMAP folder names and plan paths")
struct IMAPFolderNamesTests {
    static let prefixed = IMAPFolderNames(prefix: "INBOX.", delimiter: ".")
    static let plain = IMAPFolderNames(prefix: "", delimiter: "/")

    static func info(_ name: String, raw: String? = nil, decoded: Bool = true) -> MailboxInfo {
        MailboxInfo(name: name, rawName: raw ?? name, delimiter: ".", attributes: [], isNameDecoded: decoded)
    }

    @Test("under the prefix INBOX., INBOX.Inbox has the path Inbox, is not the INBOX, and a new folder Inbox is INBOX.Inbox")
    func prefixedInboxLookalike() throws {
        let inbox = try #require(Self.prefixed.listing(of: Self.info("INBOX")))
        #expect(inbox.path == "INBOX" && inbox.isInbox && inbox.shownName == nil)
        let lookalike = try #require(Self.prefixed.listing(of: Self.info("INBOX.Inbox")))
        #expect(lookalike.path == "Inbox" && !lookalike.isInbox)
        #expect(lookalike.shownName == "INBOX.Inbox (not the INBOX)")
        // Stripped of its prefix, INBOX.INBOX would take the INBOX's own path.
        #expect(Self.prefixed.listing(of: Self.info("INBOX.INBOX"))?.path == "INBOX/INBOX")
        #expect(Self.prefixed.listing(of: Self.info("INBOX.")) == nil, "the prefix itself is no folder")
        #expect(Self.prefixed.derivedName("Inbox") == "INBOX.Inbox")
        #expect(Self.prefixed.derivedName("INBOX") == "INBOX")
        #expect(Self.prefixed.derivedName("Projekte/2024") == "INBOX.Projekte.2024")
        #expect(Self.prefixed.inboxSpelling == .exact)
    }

    @Test("without a prefix, Inbox is the INBOX in any case")
    func plainInbox() {
        #expect(Self.plain.derivedName("Inbox") == "INBOX")
        #expect(Self.plain.inboxSpelling == .anyCase)
        #expect(Self.plain.listing(of: MailboxInfo(name: "Inbox", rawName: "Inbox", delimiter: "/", attributes: []))?.isInbox == true)
    }

    @Test("a name that is not valid modified UTF-7 keeps its text as its path and is shown as written")
    func undecodable() throws {
        let listing = try #require(Self.plain.listing(of: Self.info("Caf&AOk", decoded: false)))
        #expect(listing.path == "Caf&AOk")
        #expect(listing.shownName == "Caf&AOk (not valid modified UTF-7, copied under its name as written)")
        #expect(IMAPFolderNames.escaped("a\u{1}b\u{E9}") == "a\\u{1}b\\u{E9}")
    }

    @Test("a LIST name goes back as the server's bytes; two names with one path are refused, not merged")
    func table() {
        let table = FolderNameTable()
        #expect(!table.isFilled)
        table.fill([("Caf&AOk", Self.info("Caf&AOk", decoded: false)), ("X", Self.info("X")), ("X", Self.info("INBOX.X"))])
        guard case .listed(let name)? = table.entry("Caf&AOk") else { Issue.record("not listed"); return }
        #expect(name.wire == "Caf&AOk")
        guard case .ambiguous(let names)? = table.entry("X") else { Issue.record("not ambiguous"); return }
        #expect(names == ["X", "INBOX.X"])
        #expect(table.entry("Other") == nil)
    }

    @Test("folders of other namespaces keep their whole name as their path and say which namespace; their roots are no folders")
    func otherNamespaces() throws {
        let names = IMAPFolderNames(prefix: "", delimiter: ".", others: [
            .init(prefix: "Users.", delimiter: ".", kind: .otherUsers), .init(prefix: "Public.", delimiter: ".", kind: .shared),
            .init(prefix: "", delimiter: ".", kind: .shared),
        ])
        let projects = try #require(names.listing(of: Self.info("Public.Projects.2024")))
        #expect(projects.path == "Public/Projects/2024" && !projects.isInbox)
        #expect(projects.namespace == OtherNamespace(kind: .shared, prefixLevels: 1))
        let bob = try #require(names.listing(of: Self.info("Users.bob.INBOX")))
        #expect(bob.path == "Users/bob/INBOX" && !bob.isInbox && bob.namespace?.kind == .otherUsers)
        #expect(names.listing(of: Self.info("Public")) == nil && names.listing(of: Self.info("Public.")) == nil)
        // A personal folder is still personal; an empty prefix of another namespace is ignored.
        let mine = try #require(names.listing(of: Self.info("Publications")))
        #expect(mine.namespace == nil && mine.path == "Publications")
        #expect(names.listing(of: Self.info("INBOX"))?.isInbox == true)
    }
}
