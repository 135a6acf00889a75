import Foundation
@testable import MailMigCore
import TestSupport

/// A temporary plan folder with one mailbox (alice, renamed to alice@new.test on the target), fake
/// mail servers and fake CardDAV/CalDAV servers, and the real engine between them.
final class CollectionHarness: @unchecked Sendable {
    static let alice = "alice@acme.test"
    static let aliceTarget = "alice@new.test"

    let folder: URL
    let source = FakeCollectionStore(side: .source)
    let target = FakeCollectionStore(side: .target)
    let mailSource = FakeMailStore(side: .source)
    let mailTarget = FakeMailStore(side: .target)
    /// The `collections:` section.
    var collections = "collections: { exclude: [Birthdays] }"

    init() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("mailmig-dav-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        mailSource.addMailbox(Self.alice)
        mailTarget.addMailbox(Self.aliceTarget)
    }

    deinit { try? FileManager.default.removeItem(at: folder) }

    var planText: String {
        """
        mailmig: 1
        name: dav-fake-test
        source:
          imap: { host: imap.oldmail.test, port: 993, tls: implicit }
          dav: { url: "https://dav.oldmail.test/" }
          login: { admin: { user: admin, password: env:MAIL_TEST_PASSWORD }, style: master-user }
        target:
          imap: { host: imap.newmail.test, port: 993, tls: implicit }
          dav: { url: "https://dav.newmail.test/" }
          login: { admin: { user: admin, password: env:MAIL_TEST_PASSWORD }, style: master-user }
        mailboxes:
          - { source: \(Self.alice), target: \(Self.aliceTarget) }
        \(collections)
        """
    }

    func workspace() throws -> Workspace {
        var mail = MailStoreRegistry()
        let (mailSource, mailTarget, source, target) = (self.mailSource, self.mailTarget, self.source, self.target)
        mail.register("imap") { side, _, _ in side == .source ? mailSource : mailTarget }
        var collections = CollectionStoreRegistry()
        collections.register("dav") { side, server, _ in server.dav == nil ? nil : (side == .source ? source : target) }
        return try Workspace.test(planText, in: folder, adapters: AdapterRegistry(mail: mail, collections: collections))
    }

    func engine() throws -> Engine {
        let workspace = try workspace()
        return Engine(workspace: workspace, store: try workspace.openState())
    }

    /// The collection steps of a fresh plan.
    func plannedCollections() async throws -> [PlannedStep] {
        try await engine().plan().steps.filter { $0.work.collectionPass != nil }
    }

    @discardableResult
    func apply() async throws -> ApplyReport {
        let engine = try engine()
        let plan = try await engine.plan()
        return await engine.apply(plan, parallelism: 1)
    }

    /// The state's record of alice's collections of `kind`.
    func collectionRecord(_ kind: CollectionKind) throws -> CollectionRecord? {
        try workspace().openState().resource(CollectionRecord.address(Self.alice, kind: kind)).map { try $0.decode(CollectionRecord.self) }
    }

    /// The item ledger of alice.
    func ledger() throws -> [ItemLedgerEntry] {
        try workspace().openState().itemLedger(mailbox: Self.alice)
    }

    /// A small vCard.
    static func card(_ uid: String, _ name: String, version: String = "3.0") -> String {
        "BEGIN:VCARD\r\nVERSION:\(version)\r\nUID:\(uid)\r\nFN:\(name)\r\nN:\(name);;;;\r\nEND:VCARD\r\n"
    }

    /// A small event, with attendees when `organizer` is given.
    static func event(_ uid: String, _ summary: String, organizer: String? = nil, attendees: [String] = []) -> String {
        var lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//test//EN", "BEGIN:VEVENT", "UID:\(uid)", "DTSTAMP:20260101T000000Z",
                     "DTSTART:20260105T090000Z", "DTEND:20260105T100000Z", "SUMMARY:\(summary)"]
        if let organizer { lines.append("ORGANIZER;CN=Org:mailto:\(organizer)") }
        lines += attendees.map { "ATTENDEE;PARTSTAT=NEEDS-ACTION;RSVP=TRUE:mailto:\($0)" }
        lines += ["END:VEVENT", "END:VCALENDAR"]
        return lines.joined(separator: "\r\n") + "\r\n"
    }

    /// Seeds alice's source: 2 address books, a calendar, a task list and an excluded calendar.
    func seed(contacts: Int = 10, events: Int = 10) {
        source.addCollection(Self.alice, "contacts", kind: .contacts, displayName: "Contacts")
        source.addCollection(Self.alice, "work", kind: .contacts, displayName: "Work")
        source.addCollection(Self.alice, "calendar", kind: .calendars, displayName: "Calendar")
        source.addCollection(Self.alice, "tasks", kind: .tasks, displayName: "Tasks")
        source.addCollection(Self.alice, "birthdays", kind: .calendars, displayName: "Birthdays")
        for index in 0..<contacts {
            source.setItem(Self.alice, index.isMultiple(of: 2) ? "contacts" : "work", "c\(index).vcf", Self.card("card-\(index)", "Person \(index)"))
        }
        for index in 0..<events {
            source.setItem(Self.alice, "calendar", "e\(index).ics", Self.event("event-\(index)", "Meeting \(index)"))
        }
        source.setItem(Self.alice, "tasks", "t0.ics", Self.event("task-0", "A task").replacingOccurrences(of: "VEVENT", with: "VTODO"))
        source.setItem(Self.alice, "birthdays", "b0.ics", Self.event("birthday-0", "Birthday"))
    }
}
