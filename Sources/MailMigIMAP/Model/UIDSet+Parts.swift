extension UIDSet {
    /// The longest sequence set one command carries, in octets.
    ///
    /// Servers cap command lines (Dovecot at 64 KiB by default, others far lower), and RFC 7162 §4
    /// asks clients to keep command lines under 8,192 octets. A set of scattered UIDs grows with the
    /// folder (140,000 UIDs in steps of 2 are about a megabyte), so commands that name UIDs are sent
    /// in parts of at most this length, leaving room for the rest of the line.
    public static let maxWireLength = 4_000

    /// The set split into sets whose wire form is at most `maxLength` octets each, in order; one part
    /// when it already fits, none when it is empty.
    public func parts(maxLength: Int = UIDSet.maxWireLength) -> [UIDSet] {
        var parts: [UIDSet] = []
        var current: [Range] = []
        var length = 0
        for range in ranges {
            let text = UIDSet(ranges: [range]).description
            let added = (current.isEmpty ? 0 : 1) + text.utf8.count
            if !current.isEmpty, length + added > maxLength {
                parts.append(UIDSet(ranges: current))
                current = []
                length = 0
            }
            length += current.isEmpty ? text.utf8.count : added
            current.append(range)
        }
        if !current.isEmpty { parts.append(UIDSet(ranges: current)) }
        return parts
    }

    /// A short form for messages: the set itself when short, else its first and last ranges and a count,
    /// `1000001,1000003,…,1279999 (140,000 UIDs)`: an error never echoes a megabyte of command.
    public var abbreviated: String {
        let text = description
        guard text.utf8.count > 64, ranges.count > 3 else { return text }
        let head = UIDSet(ranges: Array(ranges.prefix(2))).description
        let tail = UIDSet(ranges: [ranges[ranges.count - 1]]).description
        let count = uids.map { "\($0.count) UIDs" } ?? "\(ranges.count) ranges"
        return "\(head),…,\(tail) (\(count))"
    }
}
