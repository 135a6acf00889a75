import Foundation
@testable import MailMigCore
import Testing

@Suite struct ContentLinesTests {
    @Test func unfoldsAndSplitsNameParametersAndValue() {
        let text = "BEGIN:VCARD\r\nVERSION:4.0\r\nUID:urn:uuid:1\r\nNOTE;LANGUAGE=en;X-Q=\"a:b;c\":first part\r\n  and the rest\r\nitem1.EMAIL;TYPE=work:x@y.test\r\nEND:VCARD\r\n"
        let lines = ContentLines.parse(Data(text.utf8))
        #expect(lines.map(\.property) == ["BEGIN", "VERSION", "UID", "NOTE", "EMAIL", "END"])
        let note = lines[3]
        #expect(note.parameters == ["LANGUAGE=en", "X-Q=\"a:b;c\""])
        #expect(note.value == "first part and the rest")
        #expect(ContentLines.uid(of: lines) == "urn:uuid:1")
        #expect(ContentLines.component(of: lines) == "VCARD")
        #expect(ContentLines.serialize(lines) == Data(text.utf8), "unchanged lines are written back as they came")
    }

    @Test func theUIDIsTheEventsNotATimeZonesOrAnAlarms() {
        let text = """
            BEGIN:VCALENDAR\nBEGIN:VTIMEZONE\nTZID:Europe/Paris\nBEGIN:STANDARD\nTZOFFSETFROM:+0200\nEND:STANDARD\nBEGIN:DAYLIGHT\nTZOFFSETTO:+0200\nEND:DAYLIGHT\nEND:VTIMEZONE\nBEGIN:VEVENT\nBEGIN:VALARM\nUID:alarm\nEND:VALARM\nUID:event-1\nEND:VEVENT\nEND:VCALENDAR\n
            """
        let lines = ContentLines.parse(Data(text.utf8))
        #expect(ContentLines.uid(of: lines) == "event-1")
        #expect(ContentLines.component(of: lines) == "VEVENT", "not the time zone's STANDARD")
        let task = ContentLines.parse(Data(text.replacingOccurrences(of: "VEVENT", with: "VTODO").utf8))
        #expect(ContentLines.component(of: task) == "VTODO")
    }

    @Test func changedLinesAreFoldedAt75OctetsWithoutSplittingACharacter() {
        let value = String(repeating: "é", count: 60)
        let folded = ContentLines.fold("DESCRIPTION:" + value)
        let physical = String(decoding: folded, as: UTF8.self).components(separatedBy: "\r\n").filter { !$0.isEmpty }
        #expect(physical.count == 2)
        #expect(physical.allSatisfy { $0.utf8.count <= 75 })
        #expect(ContentLines.parse(folded).first?.value == value)
    }

    @Test func comparisonIgnoresOrderFoldingCaseAndSchedulingParameters() {
        let original = "BEGIN:VCALENDAR\r\nPRODID:-//a//EN\r\nBEGIN:VEVENT\r\nUID:1\r\nSUMMARY:Lunch with a long title that the server may fold somewhere\r\nATTENDEE;RSVP=TRUE:mailto:Bob@X.test\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
        let rewritten = "BEGIN:VCALENDAR\r\nPRODID:-//server//EN\r\nBEGIN:VEVENT\r\nattendee;SCHEDULE-AGENT=CLIENT;rsvp=true:mailto:bob@x.test\r\nSUMMARY:Lunch with a long title that the ser\r\n ver may fold somewhere\r\nUID:1\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
        #expect(ItemComparison.same(Data(original.utf8), Data(rewritten.utf8)))
        let changed = rewritten.replacingOccurrences(of: "Lunch", with: "Dinner")
        #expect(!ItemComparison.same(Data(original.utf8), Data(changed.utf8)))
    }

    @Test func preparationLeavesItemsWithoutAttendeesByteForByte() {
        let card = Data("BEGIN:VCARD\nVERSION:3.0\nUID:x\nFN:X\nEND:VCARD\n".utf8)
        #expect(ItemPreparation(addresses: ["a@b.test": "a@c.test"]).prepare(card) == card)
    }

    @Test func delegatesAndSecretariesOfMigratedMailboxesFollowThemToo() {
        let event = "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:d\r\n"
            + "ORGANIZER;SENT-BY=\"mailto:Boss.Assistant@acme.test\";CN=Boss:mailto:boss@acme.test\r\n"
            + "ATTENDEE;DELEGATED-FROM=\"mailto:ann@acme.test\",\"mailto:guest@other.test\";CN=\"Smith, Bob\":mailto:bob@acme.test\r\n"
            + "ATTENDEE;DELEGATED-TO=\"mailto:ann@acme.test\";MEMBER=\"mailto:team@other.test\":mailto:guest@other.test\r\n"
            + "END:VEVENT\r\nEND:VCALENDAR\r\n"
        let preparation = ItemPreparation(addresses: ["boss.assistant@acme.test": "assistant@new.test", "ann@acme.test": "ann@new.test",
                                                      "bob@acme.test": "bob@new.test", "boss@acme.test": "boss@new.test"])
        let lines = ContentLines.parse(preparation.prepare(Data(event.utf8)))
        let organizer = lines.first { $0.property == "ORGANIZER" }
        let attendees = lines.filter { $0.property == "ATTENDEE" }
        #expect(organizer?.value == "mailto:boss@new.test")
        #expect(organizer?.parameters.contains("SENT-BY=\"mailto:assistant@new.test\"") == true, "\(organizer?.parameters ?? [])")
        #expect(attendees.first?.parameters.contains("DELEGATED-FROM=\"mailto:ann@new.test\",\"mailto:guest@other.test\"") == true,
                "\(attendees.first?.parameters ?? [])")
        #expect(attendees.first?.parameters.contains("CN=\"Smith, Bob\"") == true, "a quoted name with a comma is left alone")
        #expect(attendees.last?.parameters.contains("DELEGATED-TO=\"mailto:ann@new.test\"") == true)
        #expect(attendees.last?.parameters.contains("MEMBER=\"mailto:team@other.test\"") == true, "an address not migrated stays")
        #expect(attendees.last?.value == "mailto:guest@other.test")
    }
}
