import Foundation
import Testing
@testable import MailMigPOP3Store

/// The internal date rule: the topmost Received field's date, else Date, else the pass time.
@Suite("POP3 store: the internal date rule")
struct ArrivalDateTests {
    static func date(_ lines: [String]) -> String? {
        ArrivalDate.of(HeaderSection(Array(StoreFixture.message(lines).utf8)))?.text
    }

    @Test("the topmost Received field gives the date, after its last semicolon, not a lower one and not Date")
    func topmostReceived() {
        #expect(Self.date([
            "Return-Path: <bob@example.test>",
            "Received: from mx.acme.test (mx.acme.test [192.0.2.1]) by pop.acme.test with LMTP id abc; Tue, 2 Jul 2024 08:00:05 +0200",
            "Received: from mail.example.test by mx.acme.test with ESMTPS; Tue, 2 Jul 2024 07:59:58 +0200",
            "Date: Mon, 1 Jul 2024 23:00:00 -0400",
        ]) == "02-Jul-2024 08:00:05 +0200")
    }

    @Test("a folded Received field is unfolded; a comment with a semicolon before the date does not confuse it")
    func foldedReceived() {
        #expect(Self.date([
            "Received: from mail.example.test (envelope-from <a;b@example.test>)",
            "\tby mx.acme.test with ESMTP id 42;",
            " Wed, 3 Jul 2024",
            "  06:01:02 -0000 (UTC)",
            "Date: Mon, 1 Jul 2024 23:00:00 -0400",
        ]) == "03-Jul-2024 06:01:02 -0000")
    }

    @Test("the field names match in any case, and obsolete white space before the colon is accepted")
    func fieldNames() {
        #expect(Self.date(["RECEIVED : by x; 4 Jul 2024 12:00:00 +0000"]) == "04-Jul-2024 12:00:00 +0000")
        #expect(Self.date(["date: Thu, 4 Jul 2024 12:00:00 +0100"]) == "04-Jul-2024 12:00:00 +0100")
    }

    @Test("a Received field without a date, or with one that cannot be read, leaves the date to the Date field")
    func receivedWithoutDate() {
        #expect(Self.date(["Received: by local.host (queued)", "Date: Fri, 5 Jul 2024 09:30:00 +0200"]) == "05-Jul-2024 09:30:00 +0200")
        #expect(Self.date(["Received: by x; sometime yesterday", "Date: Fri, 5 Jul 2024 09:30:00 +0200"]) == "05-Jul-2024 09:30:00 +0200")
        // Only the topmost Received field counts: a lower one was added before the maildrop had the message.
        #expect(Self.date(["Received: by x; garbage", "Received: by y; 1 Jan 2024 00:00:00 +0000", "Date: 5 Jul 2024 09:30 +0200"])
            == "05-Jul-2024 09:30:00 +0200")
    }

    @Test("without a readable Received or Date field there is no date from the header")
    func nothing() {
        #expect(Self.date(["Subject: no dates here"]) == nil)
        #expect(Self.date(["Date: not a date", "Subject: x"]) == nil)
    }

    @Test("only the header section counts: a Date line in the body is not read")
    func bodyIgnored() {
        let bytes = Array(StoreFixture.message(["Subject: x"], body: "Date: Fri, 5 Jul 2024 09:30:00 +0200").utf8)
        #expect(ArrivalDate.of(HeaderSection(bytes)) == nil)
    }

    @Test("bare LF line ends and an mbox From line at the top are read too")
    func looseHeaders() {
        let bytes = Array("From bob@example.test Fri Jul  5 09:30:00 2024\nDate: Fri, 5 Jul 2024 09:30:00 +0200\n\nbody\n".utf8)
        #expect(ArrivalDate.of(HeaderSection(bytes))?.text == "05-Jul-2024 09:30:00 +0200")
    }

    @Test("the fallback is the instant in UTC, in the internal date's form")
    func fallback() {
        let instant = Date(timeIntervalSince1970: 1_720_000_000)
        #expect(ArrivalDate.utc(instant).text == "03-Jul-2024 09:46:40 +0000")
        #expect(ArrivalDate.utc(instant).instant == instant)
    }

    @Test("header facts read the Message-ID as the engine's ledger does")
    func messageID() {
        let facts = HeaderFacts(Array(StoreFixture.message(["Message-ID:", " <folded@acme.test>", "Date: 5 Jul 2024 09:30 +0200"]).utf8))
        #expect(facts.messageID == "<folded@acme.test>")
        #expect(facts.arrival?.text == "05-Jul-2024 09:30:00 +0200")
    }
}
