/// A search key for UID SEARCH (RFC 3501 §6.4.4, RFC 7162 MODSEQ).
public indirect enum SearchCriteria: Sendable, Equatable {
    /// A calendar day as used by SEARCH date keys (no time, no zone).
    public struct Day: Sendable, Equatable {
        /// Four-digit year.
        public var year: Int
        /// Month, 1...12.
        public var month: Int
        /// Day of the month.
        public var day: Int

        /// A day; months are 1...12.
        public init(year: Int, month: Int, day: Int) {
            self.year = year
            self.month = month
            self.day = day
        }

        var wire: String {
            let months = InternalDate.monthNames
            let name = months.indices.contains(month - 1) ? months[month - 1] : "Jan"
            return "\(day)-\(name)-\(year)"
        }
    }

    case all
    case uids(UIDSet)
    /// Internal date on or after the day.
    case since(Day)
    /// Internal date before the day.
    case before(Day)
    /// Internal date on the day.
    case on(Day)
    /// Date: header on or after the day.
    case sentSince(Day)
    /// Date: header before the day.
    case sentBefore(Day)
    /// RFC822.SIZE larger than n.
    case larger(Int)
    /// RFC822.SIZE smaller than n.
    case smaller(Int)
    /// A header field containing a string (an empty string matches every message with the field).
    case header(String, String)
    case seen
    case unseen
    case deleted
    case undeleted
    case flagged
    case keyword(String)
    /// MODSEQ at least n (CONDSTORE).
    case modSeq(UInt64)
    case not(SearchCriteria)
    case or(SearchCriteria, SearchCriteria)
    case and([SearchCriteria])

    func encode(into command: inout Command, utf8: Bool) {
        switch self {
        case .all: command.add("ALL")
        case .uids(let set): command.add("UID \(set)")
        case .since(let day): command.add("SINCE \(day.wire)")
        case .before(let day): command.add("BEFORE \(day.wire)")
        case .on(let day): command.add("ON \(day.wire)")
        case .sentSince(let day): command.add("SENTSINCE \(day.wire)")
        case .sentBefore(let day): command.add("SENTBEFORE \(day.wire)")
        case .larger(let size): command.add("LARGER \(max(0, size))")
        case .smaller(let size): command.add("SMALLER \(max(0, size))")
        case .header(let field, let value):
            command.add("HEADER ")
            command.string(field, utf8Allowed: utf8)
            command.space()
            command.string(value, utf8Allowed: utf8)
        case .seen: command.add("SEEN")
        case .unseen: command.add("UNSEEN")
        case .deleted: command.add("DELETED")
        case .undeleted: command.add("UNDELETED")
        case .flagged: command.add("FLAGGED")
        case .keyword(let keyword): command.add("KEYWORD \(keyword)")
        case .modSeq(let value): command.add("MODSEQ \(value)")
        case .not(let inner):
            command.add("NOT ")
            inner.encode(into: &command, utf8: utf8)
        case .or(let left, let right):
            command.add("OR ")
            left.encodeGrouped(into: &command, utf8: utf8)
            command.space()
            right.encodeGrouped(into: &command, utf8: utf8)
        case .and(let items):
            if items.isEmpty { command.add("ALL"); return }
            for (index, item) in items.enumerated() {
                if index > 0 { command.space() }
                item.encodeGrouped(into: &command, utf8: utf8)
            }
        }
    }

    private func encodeGrouped(into command: inout Command, utf8: Bool) {
        if case .and(let items) = self, items.count > 1 {
            command.add("(")
            encode(into: &command, utf8: utf8)
            command.add(")")
        } else {
            encode(into: &command, utf8: utf8)
        }
    }

    /// Whether the criteria contain non-ASCII text and need `CHARSET UTF-8`.
    var needsUTF8: Bool {
        switch self {
        case .header(let field, let value): return !(field + value).allSatisfy(\.isASCII)
        case .not(let inner): return inner.needsUTF8
        case .or(let left, let right): return left.needsUTF8 || right.needsUTF8
        case .and(let items): return items.contains { $0.needsUTF8 }
        default: return false
        }
    }
}

extension SearchCriteria {
    /// The criteria as several searches whose results together are this one's, each naming at most
    /// ``UIDSet/maxWireLength`` octets of UIDs: a long UID set, alone or directly in an AND, is split
    /// into parts (UID sets inside OR or NOT are left whole, as splitting them changes the meaning).
    public func splittingUIDSets(maxLength: Int = UIDSet.maxWireLength) -> [SearchCriteria] {
        switch self {
        case .uids(let set):
            let parts = set.parts(maxLength: maxLength)
            return parts.count > 1 ? parts.map { .uids($0) } : [self]
        case .and(let terms):
            guard let index = terms.firstIndex(where: { if case .uids(let set) = $0 { return set.parts(maxLength: maxLength).count > 1 } else { return false } }),
                  case .uids(let set) = terms[index] else { return [self] }
            return set.parts(maxLength: maxLength).flatMap { part -> [SearchCriteria] in
                var split = terms
                split[index] = .uids(part)
                return SearchCriteria.and(split).splittingUIDSets(maxLength: maxLength)
            }
        default:
            return [self]
        }
    }
}
