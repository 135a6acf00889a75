import Foundation
import Testing
@testable import MailMigCore

@Suite("Numbers and times as reports print them")
struct FormattingTests {
    @Test(arguments: [(0, "0"), (7, "7"), (999, "999"), (1_000, "1,000"), (12_304, "12,304"), (999_999, "999,999"),
                      (1_000_000, "1,000,000"), (-1_234, "-1,234"), (Int.min, "-9,223,372,036,854,775,808")])
    func countsInGroupsOfThree(value: Int, text: String) {
        #expect(Formatting.count(value) == text)
    }

    @Test func timestampsAreInternetDateTimeInUTC() {
        #expect(Formatting.timestamp(Date(timeIntervalSince1970: 1_764_967_815.9)) == "2025-12-05T20:50:15Z")
        #expect(Formatting.timestamp(Date(timeIntervalSince1970: 0)) == "1970-01-01T00:00:00Z")
    }
}
