import Foundation
import Testing
@testable import MailMigDateTime

@Suite("Date-time text: fields and instants")
struct DateTimeFieldsTests {
    @Test func readsTheFormAndItsVariants() throws {
        let date = try #require(DateTimeFields("17-Jul-1996 02:44:25 -0700"))
        let fields: [Int] = [date.day, date.month, date.year, date.hour, date.minute, date.second, date.zoneMinutes]
        #expect(fields == [17, 7, 1996, 2, 44, 25, -420])
        #expect(date.secondsSince1970 == 837_596_665)
        #expect(DateTimeFields(" 7-Jan-2021 10:12:40 +0530")?.zoneMinutes == 330)
        #expect(DateTimeFields("7-jAN-2021 10:12:40 +0000")?.month == 1)
        #expect(DateTimeFields("\t07-Dec-2021  10:12:40\t+0000 ")?.month == 12)
        #expect(DateTimeFields("30-Jun-2016 23:59:60 +0000")?.second == 60)
    }

    @Test func refusesWhatIsNotTheForm() {
        for bad in ["", " ", "17-Jul-1996", "17-Foo-1996 02:44:25 -0700", "17-Jul-1996 25:44:25 -0700", "17-Jul-1996 02:44:25 0700",
                    "17-Jul-1996 02:44:25 -0760", "17-Jul-1996 02:44:25 +2400", "170-Jul-1996 02:44:25 -0700", "17-Jul-96 02:44:25 -0700",
                    "17-Jul-19960 02:44:25 -0700", "17-Jul-1996 2:44:25 -0700", "17-Jul-1996 02:44:25 -07000", "17-Jul-1996 02:44:25 -070",
                    "17-Jul-1996 02:44:25 -0700 x", "00-Jul-1996 02:44:25 -0700", "32-Jul-1996 02:44:25 -0700", "17-Jul-1996 02:60:25 -0700",
                    "17-Jul-1996 02:44:61 -0700", "17-Jul-199602:44:25 -0700", "17-Jul-1996 02:44:25-0700", "17 Jul 1996 02:44:25 -0700",
                    "17-J\u{fc}l-1996 02:44:25 -0700", "17-Ju-1996 02:44:25 -0700", "17-Jul-1996 02:44:25 +07:00", "１7-Jul-1996 02:44:25 -0700"] {
            #expect(DateTimeFields(bad) == nil, "\(bad)")
        }
    }

    /// The instant counted by hand equals Foundation's Gregorian calendar for dates a mailbox can hold,
    /// leap days, month ends and days past a month's end (which both count on into the next month) included.
    @Test func instantsMatchTheGregorianCalendar() throws {
        var generator = SystemRandomNumberGenerator()
        var texts = ["29-Feb-2000 12:00:00 +0000", "29-Feb-1900 00:00:00 +0000", "31-Feb-2023 23:59:59 -1200", "01-Mar-2100 00:00:00 +1400",
                     "31-Dec-1969 23:59:59 +0000", "01-Jan-1970 00:00:00 +0000", "01-Jan-1601 00:00:00 +0000", "31-Dec-9999 23:59:59 -1800"]
        for _ in 0..<2_000 {
            let zone = Int.random(in: 0...1800, using: &generator)  // TimeZone refuses offsets past 18 hours
            texts.append(String(format: "%02d-%@-%04d %02d:%02d:%02d %@%04d", Int.random(in: 1...31, using: &generator),
                                DateTimeFields.monthNames.randomElement(using: &generator)!, Int.random(in: 1600...2400, using: &generator),
                                Int.random(in: 0...23, using: &generator), Int.random(in: 0...59, using: &generator),
                                Int.random(in: 0...59, using: &generator), Bool.random(using: &generator) ? "+" : "-", zone - zone % 100 + zone % 100 % 60))
        }
        for text in texts {
            let fields = try #require(DateTimeFields(text), "\(text)")
            var components = DateComponents(year: fields.year, month: fields.month, day: fields.day, hour: fields.hour,
                                            minute: fields.minute, second: fields.second)
            components.timeZone = TimeZone(secondsFromGMT: fields.zoneMinutes * 60)
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = try #require(components.timeZone)
            let expected = try #require(calendar.date(from: components))
            #expect(TimeInterval(fields.secondsSince1970) == expected.timeIntervalSince1970, "\(text)")
        }
    }
}
