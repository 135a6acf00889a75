import Foundation
@testable import MailMigCore
import Testing
import TestSupport

/// Contacts and calendars through the engine over fake DAV servers: exactly once, incremental,
/// conflicts reported, nothing sent to attendees.
@Suite struct CollectionCopyTests {
    @Test func firstApplyCopiesEveryChosenCollectionThenNothingIsLeft() async throws {
        let harness = try CollectionHarness()
        harness.seed()
        let planned = try await harness.plannedCollections()
        #expect(planned.map(\.address).sorted() == ["mailbox.alice@acme.test/calendars", "mailbox.alice@acme.test/contacts",
                                                    "mailbox.alice@acme.test/tasks"])
        let contacts = try #require(planned.first { $0.work.collectionPass?.kind == .contacts })
        #expect(contacts.reason == "2 address books, 10 contacts to copy")
        #expect(contacts.work.collectionPass?.estimate?.newCollections.sorted() == ["Contacts", "Work"])

        let report = try await harness.apply()
        #expect(report.failed.isEmpty, "\(report.failed)")
        let alice = CollectionHarness.aliceTarget
        #expect(harness.target.items(alice, "contacts").count == 5)
        #expect(harness.target.items(alice, "work").count == 5)
        #expect(harness.target.items(alice, "calendar").count == 10)
        #expect(harness.target.items(alice, "tasks").count == 1)
        #expect(harness.target.collectionInfo(alice)["birthdays"] == nil, "excluded by name")
        #expect(harness.target.collectionInfo(alice)["work"]?.displayName == "Work")
        #expect(harness.target.items(alice, "contacts")["c0.vcf"] == CollectionHarness.card("card-0", "Person 0"), "a contact arrives byte for byte")
        #expect(try harness.ledger().allSatisfy { !$0.pending && $0.conflict == nil && $0.targetETag != nil })
        #expect(try await harness.plannedCollections().isEmpty, "a second plan finds nothing to do")
        let puts = harness.target.puts.count
        try await harness.apply()
        #expect(harness.target.puts.count == puts, "a second apply stores nothing")
    }

    @Test func aStoreWhoseAnswerWasLostIsSettledNotStoredTwice() async throws {
        let harness = try CollectionHarness()
        harness.collections = "collections: { contacts: false, tasks: false, exclude: [Birthdays] }"
        harness.seed(events: 12)
        harness.target.loseAnswersAfterStores = 5
        let first = try await harness.apply()
        #expect(first.failed.count == 1, "the calendar pass fails when the connection drops")
        #expect(harness.target.items(CollectionHarness.aliceTarget, "calendar").count >= 6)
        #expect(try harness.ledger().contains { $0.pending })

        harness.target.loseAnswersAfterStores = nil
        let planned = try await harness.plannedCollections()
        #expect(planned.first?.work.collectionPass?.estimate?.toSettle ?? 0 > 0)
        let second = try await harness.apply()
        #expect(second.failed.isEmpty, "\(second.failed)")
        let stored = harness.target.items(CollectionHarness.aliceTarget, "calendar")
        #expect(stored.count == 12)
        #expect(Set(harness.target.puts).count == 12)
        let countByName = Dictionary(harness.target.puts.map { ($0, 1) }, uniquingKeysWith: +)
        #expect(countByName.values.allSatisfy { $0 == 1 }, "no item stored twice: \(countByName.filter { $0.value > 1 })")
        #expect(try harness.ledger().allSatisfy { !$0.pending })
    }

    @Test(arguments: [true, false]) func changesOnTheSourceArriveAndChangesOnTheTargetAreReported(offersSync: Bool) async throws {
        let harness = try CollectionHarness()
        harness.source.offersSync = offersSync
        harness.target.offersSync = offersSync
        harness.collections = "collections: { contacts: false, tasks: false }"
        harness.seed(events: 3)
        try await harness.apply()
        let alice = CollectionHarness.alice
        let target = CollectionHarness.aliceTarget
        harness.source.setItem(alice, "calendar", "e0.ics", CollectionHarness.event("event-0", "Moved meeting"))
        harness.target.setItem(target, "calendar", "e1.ics", CollectionHarness.event("event-1", "Edited on the target"))
        harness.source.setItem(alice, "calendar", "e9.ics", CollectionHarness.event("event-9", "New one"))

        let planned = try #require(try await harness.plannedCollections().first?.work.collectionPass?.estimate)
        #expect(planned.toCopy == 1)
        #expect(planned.toUpdate == 1)
        #expect(planned.conflicts == 1)
        let report = try await harness.apply()
        #expect(report.failed.isEmpty)
        let items = harness.target.items(target, "calendar")
        #expect(items["e0.ics"]?.contains("SUMMARY:Moved meeting") == true)
        #expect(items["e1.ics"]?.contains("SUMMARY:Edited on the target") == true, "a target change is not overwritten")
        #expect(items["e9.ics"] != nil)
        #expect(warnings(report).contains { $0.contains("e1.ics") && $0.contains("changed on the target") }, "\(warnings(report))")
        #expect(try harness.ledger().first { $0.href.hasSuffix("e1.ics") }?.conflict == "changed on the target since it was copied")
    }

    @Test func laterPassesAskWhatChangedInsteadOfListingEveryItem() async throws {
        let harness = try CollectionHarness()
        harness.collections = "collections: { contacts: false, tasks: false, exclude: [Birthdays] }"
        harness.seed(events: 40)
        try await harness.apply()
        let alice = CollectionHarness.alice
        let target = CollectionHarness.aliceTarget
        let listed = (harness.source.listings, harness.target.listings)
        let asked = (harness.source.changeSets, harness.target.changeSets)

        #expect(try await harness.plannedCollections().isEmpty)
        #expect(harness.source.changeSets == asked.0 && harness.target.changeSets == asked.1,
                "no side whose token did not move is asked: the pass moved the target's past its own stores")
        try await harness.apply()
        #expect(try await harness.plannedCollections().isEmpty)

        // Someone edits a copy while a pass stores others: the target's token stays where the pass
        // read it, and the next plan still sees the edit.
        harness.source.setItem(alice, "calendar", "e7.ics", CollectionHarness.event("event-7", "Changed"))
        harness.target.afterNextStore = { harness.target.setItem(target, "calendar", "e8.ics", CollectionHarness.event("event-8", "Edited meanwhile")) }
        try await harness.apply()
        let meanwhile = try #require(try await harness.plannedCollections().first?.work.collectionPass?.estimate)
        #expect(meanwhile.newConflicts == 1, "the edit made during the pass is found: \(meanwhile)")
        try await harness.apply()

        harness.source.setItem(alice, "calendar", "e3.ics", CollectionHarness.event("event-3", "Moved"))
        harness.source.removeItem(alice, "calendar", "e4.ics")
        harness.source.setItem(alice, "calendar", "e40.ics", CollectionHarness.event("event-40", "New"))
        harness.target.setItem(target, "calendar", "e5.ics", CollectionHarness.event("event-5", "Edited on the target"))
        let estimate = try #require(try await harness.plannedCollections().first?.work.collectionPass?.estimate)
        #expect(estimate.items == 40)
        #expect(estimate.toCopy == 1)
        #expect(estimate.toUpdate == 1)
        #expect(estimate.conflicts == 2)
        let report = try await harness.apply()
        #expect(report.failed.isEmpty, "\(report.failed)")
        #expect(harness.source.listings == listed.0 && harness.target.listings == listed.1,
                "no pass after the first listed a collection in full: \(harness.source.listings - listed.0) source, \(harness.target.listings - listed.1) target")
        let items = harness.target.items(target, "calendar")
        #expect(items["e3.ics"]?.contains("SUMMARY:Moved") == true)
        #expect(items["e40.ics"] != nil)
        #expect(items["e4.ics"] != nil, "a copy is kept when its source item is removed")
        #expect(items["e5.ics"]?.contains("Edited on the target") == true)
        let record = try #require(try harness.collectionRecord(.calendars))
        #expect(record.lastResult?.deletedOnSource == 1)
        #expect(record.lastResult?.items == 40)

        // The removal stays counted on later passes, and an item re-created under the name is its own.
        harness.source.setItem(alice, "calendar", "e6.ics", CollectionHarness.event("event-6", "Moved too"))
        try await harness.apply()
        #expect(try harness.collectionRecord(.calendars)?.lastResult?.deletedOnSource == 1)
        #expect(harness.target.items(target, "calendar")["e6.ics"]?.contains("Moved too") == true)
        harness.source.setItem(alice, "calendar", "e4.ics", CollectionHarness.event("event-4", "Back again"))
        try await harness.apply()
        #expect(try harness.collectionRecord(.calendars)?.lastResult?.deletedOnSource == 0)
        #expect(harness.target.items(target, "calendar")["e4.ics"]?.contains("Back again") == true)
        #expect(harness.source.listings == listed.0 && harness.target.listings == listed.1)
    }

    @Test func theSameItemAlreadyOnTheTargetIsRecordedWhateverItsNameOrTimeZones() async throws {
        let harness = try CollectionHarness()
        harness.collections = "collections: { contacts: false, tasks: false, exclude: [Birthdays] }"
        harness.seed(events: 3)
        try await harness.apply()
        let alice = CollectionHarness.alice
        let target = CollectionHarness.aliceTarget
        let zoned = CollectionHarness.event("zoned-1", "In New York").replacingOccurrences(
            of: "BEGIN:VEVENT", with: "BEGIN:VTIMEZONE\r\nTZID:America/New_York\r\nBEGIN:STANDARD\r\nTZOFFSETFROM:-0400\r\nEND:STANDARD\r\nEND:VTIMEZONE\r\nBEGIN:VEVENT")
        // Another client stored the same items on the target first: one under the same name, one under another.
        harness.target.setItem(target, "calendar", "z1.ics", zoned)
        harness.target.setItem(target, "calendar", "other-name.ics", zoned.replacingOccurrences(of: "zoned-1", with: "zoned-2"))
        // A pass runs meanwhile and moves past them: the next one no longer hears of them as changes.
        harness.source.setItem(alice, "calendar", "e0.ics", CollectionHarness.event("event-0", "Moved"))
        try await harness.apply()
        harness.source.setItem(alice, "calendar", "z1.ics", zoned)
        harness.source.setItem(alice, "calendar", "z2.ics", zoned.replacingOccurrences(of: "zoned-1", with: "zoned-2"))
        let report = try await harness.apply()
        #expect(warnings(report).isEmpty, "\(warnings(report))")
        let rows = try harness.ledger().filter { $0.uid.hasPrefix("zoned-") }
        #expect(rows.count == 2 && rows.allSatisfy { $0.conflict == nil && !$0.pending }, "\(rows)")
        #expect(rows.first { $0.uid == "zoned-2" }?.targetHref.hasSuffix("other-name.ics") == true, "found by its UID in its VEVENT")
        #expect(harness.target.items(target, "calendar").count == 5, "nothing stored twice")
    }

    @Test func aConflictIsReportedOnceAndAnItemWhoseNameIsFreedGoesThere() async throws {
        let harness = try CollectionHarness()
        harness.collections = "collections: { contacts: false, tasks: false, exclude: [Birthdays] }"
        harness.seed(events: 4)
        let alice = CollectionHarness.alice
        let target = CollectionHarness.aliceTarget
        harness.target.addCollection(target, "calendar", kind: .calendars, displayName: "Calendar")
        harness.target.setItem(target, "calendar", "e0.ics", CollectionHarness.event("squatter", "Someone else's"))
        try await harness.apply()
        #expect(try harness.ledger().first { $0.href.hasSuffix("e0.ics") }?.conflict == ItemConflict.nameTaken("e0.ics"))

        // A copy removed on the target, then its source changed: reported once, then plans are quiet.
        harness.target.removeItem(target, "calendar", "e1.ics")
        try await harness.apply()
        harness.source.setItem(alice, "calendar", "e1.ics", CollectionHarness.event("event-1", "Changed after"))
        let reported = try await harness.apply()
        #expect(warnings(reported).contains { $0.contains("e1.ics") && $0.contains("removed on the target") }, "\(warnings(reported))")
        let asked = (harness.source.changeSets, harness.target.changeSets, harness.target.listings)
        #expect(try await harness.plannedCollections().isEmpty)
        #expect((harness.source.changeSets, harness.target.changeSets, harness.target.listings) == asked, "a plan with nothing new asks nothing")

        // The same change made on both sides is recorded, not reported.
        let same = CollectionHarness.event("event-2", "Moved on both sides")
        harness.source.setItem(alice, "calendar", "e2.ics", same)
        harness.target.setItem(target, "calendar", "e2.ics", same)
        let both = try await harness.apply()
        #expect(!warnings(both).contains { $0.contains("e2.ics") }, "\(warnings(both))")
        #expect(try harness.ledger().first { $0.href.hasSuffix("e2.ics") }?.conflict == nil)

        // The item that held e0.ics goes away: e0.ics is copied there at the next pass.
        harness.target.removeItem(target, "calendar", "e0.ics")
        let freed = try await harness.apply()
        #expect(freed.failed.isEmpty, "\(freed.failed)")
        #expect(harness.target.items(target, "calendar")["e0.ics"]?.contains("UID:event-0") == true)
        #expect(try harness.ledger().first { $0.href.hasSuffix("e0.ics") }?.conflict == nil)
    }

    @Test func aServerThatForgotItsTokensIsListedInFull() async throws {
        let harness = try CollectionHarness()
        harness.collections = "collections: { contacts: false, tasks: false }"
        harness.seed(events: 5)
        try await harness.apply()
        let listed = harness.source.listings
        harness.source.forgetTokensBefore = Int.max
        harness.source.setItem(CollectionHarness.alice, "calendar", "e1.ics", CollectionHarness.event("event-1", "Moved"))
        harness.source.setItem(CollectionHarness.alice, "calendar", "e9.ics", CollectionHarness.event("event-9", "New"))
        let report = try await harness.apply()
        #expect(report.failed.isEmpty, "\(report.failed)")
        #expect(harness.source.listings > listed, "the collection was listed instead")
        let items = harness.target.items(CollectionHarness.aliceTarget, "calendar")
        #expect(items.count == 6)
        #expect(items["e1.ics"]?.contains("SUMMARY:Moved") == true)
    }

    @Test func anItemTheTargetRefusesIsReportedAndTheOthersGoOn() async throws {
        let harness = try CollectionHarness()
        harness.collections = "collections: { calendars: false, tasks: false }"
        harness.seed(contacts: 4)
        harness.source.setItem(CollectionHarness.alice, "contacts", "bad.vcf", "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:bad\r\nFN:MALFORMED\r\nEND:VCARD\r\n")
        harness.target.refuseContaining = "MALFORMED"
        let report = try await harness.apply()
        #expect(report.failed.isEmpty)
        #expect(harness.target.items(CollectionHarness.aliceTarget, "contacts").count == 2)
        #expect(harness.target.items(CollectionHarness.aliceTarget, "work").count == 2)
        #expect(warnings(report).contains { $0.contains("bad.vcf") && $0.contains("refused by the target: 422") }, "\(warnings(report))")
        #expect(try await harness.plannedCollections().isEmpty, "a refused item is not tried again until it changes")
    }

    @Test func attendeesAreNotInvitedAndMigratedAddressesFollowTheirMailbox() async throws {
        let harness = try CollectionHarness()
        harness.collections = "collections: { contacts: false, tasks: false }"
        harness.source.addCollection(CollectionHarness.alice, "calendar", kind: .calendars)
        let event = CollectionHarness.event("meet-1", "Planning", organizer: "alice@acme.test", attendees: ["bob@other.test"])
        harness.source.setItem(CollectionHarness.alice, "calendar", "meet.ics", event)
        try await harness.apply()
        let copy = try #require(harness.target.items(CollectionHarness.aliceTarget, "calendar")["meet.ics"])
        #expect(copy.contains("ORGANIZER;CN=Org;SCHEDULE-AGENT=CLIENT:mailto:alice@new.test\r\n"))
        let attendee = ContentLines.parse(Data(copy.utf8)).first { $0.property == "ATTENDEE" }
        #expect(attendee?.text == "ATTENDEE;PARTSTAT=NEEDS-ACTION;RSVP=TRUE;SCHEDULE-AGENT=CLIENT:mailto:bob@other.test", "folded at 75 octets, unfolded the same")
        #expect(copy.contains("SUMMARY:Planning\r\n"))
    }

    @Test func verifyComparesEveryCopyAndFindsOneChangedBehindItsBack() async throws {
        let harness = try CollectionHarness()
        harness.seed(contacts: 6, events: 4)
        try await harness.apply()
        let workspace = try harness.workspace()
        let first = try await Verifier(context: workspace.mail, store: try workspace.openState(), deep: false).run()
        let collections = try #require(first.mailboxes.first?.collections)
        #expect(first.passed)
        #expect(collections.map(\.collection).sorted() == ["Calendar", "Contacts", "Tasks", "Work"], "Birthdays is excluded")
        #expect(collections.allSatisfy { $0.equal == $0.items && $0.passed })

        harness.target.setItem(CollectionHarness.aliceTarget, "calendar", "e2.ics", CollectionHarness.event("event-2", "Tampered"))
        let second = try await Verifier(context: workspace.mail, store: try workspace.openState(), deep: false).run()
        #expect(!second.passed)
        #expect(second.mailboxes.first?.collections?.first { $0.collection == "Calendar" }?.differing == ["e2.ics"])
    }

    @Test func aDifferentItemFoundOnTheTargetIsNeverOverwrittenLater() async throws {
        let harness = try CollectionHarness()
        harness.collections = "collections: { contacts: false, tasks: false, exclude: [Birthdays] }"
        harness.seed(events: 2)
        harness.target.addCollection(CollectionHarness.aliceTarget, "calendar", kind: .calendars)
        let theirs = CollectionHarness.event("event-0", "The user's own version")
        harness.target.setItem(CollectionHarness.aliceTarget, "calendar", "e0.ics", theirs)
        let first = try await harness.apply()
        #expect(warnings(first).contains { $0.contains("e0.ics") && $0.contains("already holds a different item") }, "\(warnings(first))")
        harness.source.setItem(CollectionHarness.alice, "calendar", "e0.ics", CollectionHarness.event("event-0", "Changed on the source"))
        let second = try await harness.apply()
        #expect(harness.target.items(CollectionHarness.aliceTarget, "calendar")["e0.ics"] == theirs, "the target's own item survives")
        #expect(warnings(second).contains { $0.contains("e0.ics") && $0.contains("already holds a different item") }, "\(warnings(second))")
    }

    @Test func anItemFoundByUIDUnderAnotherNameIsUpdatedThere() async throws {
        let harness = try CollectionHarness()
        harness.collections = "collections: { contacts: false, tasks: false, exclude: [Birthdays] }"
        harness.seed(events: 1)
        harness.target.addCollection(CollectionHarness.aliceTarget, "calendar", kind: .calendars)
        harness.target.setItem(CollectionHarness.aliceTarget, "calendar", "other-name.ics", CollectionHarness.event("event-0", "Meeting 0"))
        let first = try await harness.apply()
        #expect(warnings(first).isEmpty, "\(warnings(first))")
        #expect(try harness.ledger().first?.targetHref.hasSuffix("other-name.ics") == true)
        harness.source.setItem(CollectionHarness.alice, "calendar", "e0.ics", CollectionHarness.event("event-0", "Moved"))
        let second = try await harness.apply()
        #expect(warnings(second).isEmpty, "\(warnings(second))")
        let items = harness.target.items(CollectionHarness.aliceTarget, "calendar")
        #expect(items.count == 1)
        #expect(items["other-name.ics"]?.contains("SUMMARY:Moved") == true)
    }

    @Test func aSourceSchedulingAgentBecomesClient() {
        let event = "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:1\r\nORGANIZER;SCHEDULE-AGENT=SERVER:mailto:a@b.test\r\nATTENDEE;SCHEDULE-AGENT=NONE;SCHEDULE-AGENT=SERVER:mailto:c@d.test\r\nATTENDEE;schedule-agent=client:mailto:e@f.test\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
        let prepared = ContentLines.parse(ItemPreparation(addresses: [:]).prepare(Data(event.utf8)))
        let people = prepared.filter { $0.property == "ORGANIZER" || $0.property == "ATTENDEE" }
        #expect(people.map { $0.parameters.filter { $0.uppercased().hasPrefix("SCHEDULE-AGENT") } } == [["SCHEDULE-AGENT=CLIENT"], ["SCHEDULE-AGENT=CLIENT"], ["schedule-agent=client"]])
    }

    /// Every warning of the apply's steps.
    private func warnings(_ report: ApplyReport) -> [String] {
        report.entries.flatMap { entry -> [String] in
            if case .done(let warnings) = entry.outcome { return warnings }
            return []
        }
    }
}
