import Testing
@testable import MailMigPOP3Store

/// The tolerant reading of RFC 5322 date-times into internal dates, zone kept.
@Suite("POP3 store: RFC 5322 date-times")
struct RFC5322DateTimeTests {
    @Test("dates as mail software writes them read into dd-Mon-yyyy hh:mm:ss +zzzz, keeping their zone", arguments: [
        ("Tue, 1 Jul 2003 10:52:37 +0200", "01-Jul-2003 10:52:37 +0200"),
        ("Tue, 01 Jul 2003 10:52:37 +0200", "01-Jul-2003 10:52:37 +0200"),
        ("1 Jul 2003 10:52:37 -0700", "01-Jul-2003 10:52:37 -0700"),
        ("Tue 1 Jul 2003 10:52:37 +0200", "01-Jul-2003 10:52:37 +0200"),
        ("Tuesday, 1 July 2003 10:52:37 +0200", "01-Jul-2003 10:52:37 +0200"),
        ("Mon, 2 Sept 2002 9:05:01 +0100", "02-Sep-2002 09:05:01 +0100"),
        ("Mon, 2 Jun 2003 10:52:37 -0700 (PDT)", "02-Jun-2003 10:52:37 -0700"),
        ("(a comment) Mon, (another (nested)) 2 Jun 2003 10:52:37 -0700", "02-Jun-2003 10:52:37 -0700"),
        ("Fri, 21 Nov 1997 09:55 -0600", "21-Nov-1997 09:55:00 -0600"),
        ("  Fri,\t21 Nov 1997\t 09:55:06   -0600  ", "21-Nov-1997 09:55:06 -0600"),
        ("Fri, 21 Nov 1997 09:55:06 +0200 CEST", "21-Nov-1997 09:55:06 +0200"),
        ("Fri, 21 Nov 1997 09:55:06 +02:00", "21-Nov-1997 09:55:06 +0200"),
        ("Fri, 21 Nov 1997 09:55:06 GMT+0100", "21-Nov-1997 09:55:06 +0100"),
        ("Fri, 21 Nov 1997 09:55:06 GMT-0500", "21-Nov-1997 09:55:06 -0500"),
        ("29 Feb 2024 23:59:60 +0000", "29-Feb-2024 23:59:60 +0000"),
        ("01-Jul-2003 10:52:37 +0200", "01-Jul-2003 10:52:37 +0200"),
    ])
    func readable(text: String, expected: String) {
        #expect(RFC5322DateTime.parse(text)?.text == expected)
    }

    @Test("obsolete years: two digits below 50 are 20xx, others 19xx; three digits add 1900 (RFC 5322 §4.3)", arguments: [
        ("Thu, 13 Feb 03 23:32:54 +0000", "13-Feb-2003 23:32:54 +0000"),
        ("Thu, 13 Feb 49 23:32:54 +0000", "13-Feb-2049 23:32:54 +0000"),
        ("Thu, 13 Feb 97 23:32:54 +0000", "13-Feb-1997 23:32:54 +0000"),
        ("Thu, 13 Feb 103 23:32:54 +0000", "13-Feb-2003 23:32:54 +0000"),
    ])
    func obsoleteYears(text: String, expected: String) {
        #expect(RFC5322DateTime.parse(text)?.text == expected)
    }

    @Test("named zones: UT, GMT, UTC, Z are +0000, the US zones their offsets; other names and a missing zone are -0000", arguments: [
        ("1 Jul 2003 10:52:37 UT", "+0000"), ("1 Jul 2003 10:52:37 GMT", "+0000"), ("1 Jul 2003 10:52:37 utc", "+0000"),
        ("1 Jul 2003 10:52:37 Z", "+0000"), ("1 Jul 2003 10:52:37 EST", "-0500"), ("1 Jul 2003 10:52:37 EDT", "-0400"),
        ("1 Jul 2003 10:52:37 CST", "-0600"), ("1 Jul 2003 10:52:37 CDT", "-0500"), ("1 Jul 2003 10:52:37 MST", "-0700"),
        ("1 Jul 2003 10:52:37 MDT", "-0600"), ("1 Jul 2003 10:52:37 PST", "-0800"), ("1 Jul 2003 10:52:37 PDT", "-0700"),
        ("1 Jul 2003 10:52:37 A", "-0000"), ("1 Jul 2003 10:52:37 CEST", "-0000"), ("1 Jul 2003 10:52:37", "-0000"),
    ])
    func zones(text: String, zone: String) {
        #expect(RFC5322DateTime.parse(text)?.text == "01-Jul-2003 10:52:37 \(zone)")
    }

    @Test("the asctime order of ctime(3) and Unix date(1) reads too", arguments: [
        ("Tue Jul  1 10:52:37 2003", "01-Jul-2003 10:52:37 -0000"),
        ("Tue Jul 1 10:52:37 PDT 2003", "01-Jul-2003 10:52:37 -0700"),
        ("Jul 1 2003 10:52:37 +0200", "01-Jul-2003 10:52:37 +0200"),
    ])
    func asctime(text: String, expected: String) {
        #expect(RFC5322DateTime.parse(text)?.text == expected)
    }

    @Test("what cannot be read with confidence is nil, never a guess", arguments: [
        "", "yesterday", "Tue, 1 Jul 2003", "10:52:37 +0200", "Tue, 31 Feb 2003 10:52:37 +0200",
        "Tue, 29 Feb 2023 10:52:37 +0000", "Tue, 1 Jul 2003 25:00:00 +0200", "Tue, 1 Jul 2003 10:60:00 +0200",
        "Tue, 1 Jul 2003 10:52:61 +0200", "Tue, 1 Jul 2003 10:52:37 +2500", "Tue, 1 Jul 2003 10:52:37 +0260",
        "Tue, 1 Foo 2003 10:52:37 +0200", "Tue, 0 Jul 2003 10:52:37 +0200", "Tue, 1 Jul 1850 10:52:37 +0200",
        "Tue, 1 Jul 2003 10:52:37 +0200 extra 42", "Tue, 1 Jul 2003 10.52.37 +0200", "Tue, 1 Jul 2003 10:52:37 +02",
        "1 Jul 2003 10:52:37 +0200 -0300", "Tue, 1 Jul 20003 10:52:37 +0200",
    ])
    func unreadable(text: String) {
        #expect(RFC5322DateTime.parse(text) == nil, "\(text)")
    }

    @Test("the date read names the instant written: zones compare by instant")
    func instant() throws {
        let east = try #require(RFC5322DateTime.parse("Tue, 1 Jul 2003 12:52:37 +0200"))
        let utc = try #require(RFC5322DateTime.parse("1 Jul 2003 10:52:37 GMT"))
        #expect(east.instant == utc.instant)
        #expect(east.text != utc.text)
    }
}
