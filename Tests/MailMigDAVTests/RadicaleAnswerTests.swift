import Crypto
import Foundation
@testable import MailMigDAV
import Testing

/// The parser over answers captured from a real Radicale 3 (Tests/Fixtures/dav/README.md says how).
@Suite struct RadicaleAnswerTests {
    static func fixture(_ name: String) throws -> Data {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Fixtures/dav")
        return try Data(contentsOf: folder.appendingPathComponent(name))
    }

    @Test func theHomeListsAddressBooksAndCalendarsByResourceType() throws {
        let parsed = try MultistatusParser.parse(try Self.fixture("radicale-propfind-home.xml"), what: "home")
        let kinds = parsed.responses.map { response -> String in
            let types = response.properties[DAVName.resourceType]?.children ?? []
            return types.contains(DAVName.addressbook) ? "addressbook" : types.contains(DAVName.calendar) ? "calendar" : "other"
        }
        #expect(kinds.filter { $0 == "addressbook" }.count == 2)
        #expect(kinds.filter { $0 == "calendar" }.count == 4)
        let tasks = try #require(parsed.responses.first { $0.href == "/alice/tasks/" })
        #expect(tasks.text(DAVName.displayName) == "Tasks")
        #expect(tasks.text(DAVName.calendarColor) == "#9370DBFF")
        #expect(tasks.properties[DAVName.supportedCalendarComponentSet]?.componentNames == ["VTODO"])
        #expect(tasks.text(DAVName.syncToken)?.hasPrefix("http://radicale.org/ns/sync/") == true)
        #expect(parsed.responses.contains { $0.text(DAVName.displayName) == "Holidays 🎉" })
    }

    @Test func multigetDataGetsItsCRLFBackAndMatchesItsETag() throws {
        let parsed = try MultistatusParser.parse(try Self.fixture("radicale-report-calendar-multiget.xml"), what: "multiget")
        #expect(parsed.responses.contains { $0.status == 404 }, "a missing href is a 404 response")
        let items = parsed.responses.compactMap { response -> (etag: String, data: Data)? in
            guard let etag = response.text(DAVName.getETag), let text = response.properties[DAVName.calendarData]?.text else { return nil }
            return (etag, DAVClient.crlf(text))
        }
        #expect(items.count >= 2)
        for item in items {
            // Radicale's ETag is the SHA-256 of the item as it serves it, with CRLF line ends.
            let digest = SHA256.hash(data: item.data).map { String(format: "%02x", $0) }.joined()
            #expect(item.etag == "\"\(digest)\"")
        }
    }

    @Test func thePrincipalNamesBothHomes() throws {
        let root = try MultistatusParser.parse(try Self.fixture("radicale-propfind-root-principal.xml"), what: "root")
        #expect(root.responses.first?.href(DAVName.currentUserPrincipal) == "/alice/")
        let principal = try MultistatusParser.parse(try Self.fixture("radicale-propfind-principal-homes.xml"), what: "principal")
        #expect(principal.responses.first?.href(DAVName.addressbookHomeSet) == "/alice/")
        #expect(principal.responses.first?.href(DAVName.calendarHomeSet) == "/alice/")
    }

    @Test func aSyncCollectionDeltaMarksDeletedMembers() throws {
        let parsed = try MultistatusParser.parse(try Self.fixture("radicale-report-sync-collection-delta.xml"), what: "sync")
        #expect(parsed.syncToken != nil, "the token comes first in Radicale's answer and is still found")
        #expect(parsed.responses.contains { $0.status == 404 })
        var collector = DAVChangeCollector(collection: "/erin/calendar/")
        let truncated = collector.add(parsed)
        #expect(!truncated)
        let changes = collector.changes(token: parsed.syncToken ?? "")
        #expect(changes.removed == ["/erin/calendar/c78aa913-afc9-51eb-99ae-d4b7c4f94382.ics"])
        #expect(changes.changed.map(\.href) == ["/erin/calendar/a2a472e2-6b4c-5c52-b359-a31ae285ee9a.ics", "/erin/calendar/added-1-1.ics"])
        #expect(changes.changed.first?.etag == "\"6a9bd6f6a9156410cf0aa3b8e55e8a66f23b7c4cc42426799dfd54efb50aeeba\"")
    }

    @Test func aTruncatedSyncAnswerIsFollowedAndTheLaterAnswerWins() {
        var collector = DAVChangeCollector(collection: "http://dav.test/erin/calendar")
        let first = Multistatus(responses: [
            DAVResponse(href: "/erin/calendar/", status: 507),
            DAVResponse(href: "/erin/calendar/a.ics", properties: [DAVName.getETag: DAVValue(text: "\"1\"")]),
            DAVResponse(href: "/erin/calendar/b.ics", properties: [DAVName.getETag: DAVValue(text: "\"2\"")]),
            DAVResponse(href: "/erin/calendar/sub/", properties: [DAVName.resourceType: DAVValue(children: [DAVName.collection])]),
        ], syncToken: "t1")
        let second = Multistatus(responses: [
            DAVResponse(href: "/erin/calendar/a.ics", status: 404),
            DAVResponse(href: "/erin/calendar/b.ics", properties: [DAVName.getETag: DAVValue(text: "\"3\"")]),
        ], syncToken: "t2")
        let firstTruncated = collector.add(first)
        let secondTruncated = collector.add(second)
        #expect(firstTruncated, "507 on the collection itself: more to ask for")
        #expect(!secondTruncated)
        let changes = collector.changes(token: "t2")
        #expect(changes.removed == ["/erin/calendar/a.ics"])
        #expect(changes.changed == [DAVMember(href: "/erin/calendar/b.ics", etag: "\"3\"")], "a member that is a collection is not an item")
    }
}
