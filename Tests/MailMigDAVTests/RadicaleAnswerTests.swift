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
    }
}
