import Testing
@testable import MailMigIMAP

/// Commands that name UIDs stay short whatever the folder holds.
@Suite("Command size: UID sets in parts, abbreviated in messages")
struct CommandSizeTests {
    /// 140,000 UIDs from 1,000,001 in steps of 2: no two in one range, over a megabyte as one set.
    static let scattered = UIDSet(stride(from: UInt32(1_000_001), through: 1_279_999, by: 2))

    @Test("a set of 140,000 scattered UIDs splits into parts under the limit that together name exactly the same UIDs")
    func parts() throws {
        #expect(Self.scattered.description.utf8.count > 1_000_000)
        let parts = Self.scattered.parts()
        #expect(parts.count > 200)
        #expect(parts.allSatisfy { $0.description.utf8.count <= UIDSet.maxWireLength })
        let joined = try parts.flatMap { try #require($0.uids) }
        #expect(joined == Self.scattered.uids)
        #expect(UIDSet.range(1, 100_000).parts() == [UIDSet.range(1, 100_000)], "a compact set stays one command")
        #expect(UIDSet([]).parts().isEmpty)
    }

    @Test("messages name a long set by its ends and its size, never by all of it")
    func abbreviated() {
        let text = Self.scattered.abbreviated
        #expect(text == "1000001,1000003,…,1279999 (140000 UIDs)")
        #expect(UIDSet([1, 2, 3, 9]).abbreviated == "1:3,9")
    }

    @Test("a search naming a long UID set, alone or in an AND, is split; inside OR it is left whole")
    func searchSplitting() {
        let alone = SearchCriteria.uids(Self.scattered).splittingUIDSets()
        #expect(alone.count == Self.scattered.parts().count)
        let combined = SearchCriteria.and([.seen, .uids(Self.scattered)]).splittingUIDSets()
        #expect(combined.count == alone.count)
        if case .and(let terms) = combined[0] { #expect(terms.count == 2) } else { Issue.record("an AND stays an AND") }
        #expect(SearchCriteria.or(.seen, .uids(Self.scattered)).splittingUIDSets().count == 1)
        #expect(SearchCriteria.all.splittingUIDSets().count == 1)
    }
}
