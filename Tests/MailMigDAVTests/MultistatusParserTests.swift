import Foundation
import MailMigDAV
import Testing

@Suite struct MultistatusParserTests {
    @Test func readsPropertiesHrefsAndStatuses() throws {
        let body = """
            <?xml version="1.0" encoding="utf-8"?>
            <d:multistatus xmlns:d="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav" xmlns:I="http://apple.com/ns/ical/">
              <d:response>
                <d:href>/alice/calendar/</d:href>
                <d:propstat>
                  <d:prop>
                    <d:resourcetype><d:collection/><C:calendar/></d:resourcetype>
                    <d:displayname>Calendar &amp; more</d:displayname>
                    <I:calendar-color>#1E90FFFF</I:calendar-color>
                    <C:supported-calendar-component-set><C:comp name="VEVENT"/><C:comp name="VTODO"/></C:supported-calendar-component-set>
                  </d:prop>
                  <d:status>HTTP/1.1 200 OK</d:status>
                </d:propstat>
                <d:propstat>
                  <d:prop><d:getctag/></d:prop>
                  <d:status>HTTP/1.1 404 Not Found</d:status>
                </d:propstat>
              </d:response>
              <d:response>
                <d:href>/alice/calendar/gone.ics</d:href>
                <d:status>HTTP/1.1 404 Not Found</d:status>
              </d:response>
              <d:sync-token>http://radicale.org/ns/sync/abc</d:sync-token>
            </d:multistatus>
            """
        let parsed = try MultistatusParser.parse(Data(body.utf8), what: "test")
        #expect(parsed.responses.count == 2)
        #expect(parsed.syncToken == "http://radicale.org/ns/sync/abc")
        let first = parsed.responses[0]
        #expect(first.href == "/alice/calendar/")
        #expect(first.properties[DAVName.resourceType]?.children == [DAVName.collection, DAVName.calendar])
        #expect(first.text(DAVName.displayName) == "Calendar & more")
        #expect(first.text(DAVName.calendarColor) == "#1E90FFFF")
        #expect(first.properties[DAVName.supportedCalendarComponentSet]?.componentNames == ["VEVENT", "VTODO"])
        #expect(first.missing[DAVName(DAVName.dav, "getctag")] == 404)
        #expect(parsed.responses[1].status == 404)
    }

    @Test func refusesWhatIsNotAMultistatus() {
        #expect(throws: DAVFailure.self) { try MultistatusParser.parse(Data("<html><body>oops</body></html>".utf8), what: "test") }
        #expect(throws: DAVFailure.self) { try MultistatusParser.parse(Data("not xml at all".utf8), what: "test") }
    }
}
