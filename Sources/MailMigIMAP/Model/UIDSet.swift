/// A set of message UIDs (or sequence numbers) as ranges, e.g. `1:5,9,12:*`.
public struct UIDSet: Sendable, Hashable, CustomStringConvertible {
    /// One inclusive range; `upper == nil` stands for `*` (the largest UID in use).
    public struct Range: Sendable, Hashable {
        /// The first UID of the range.
        public var lower: UInt32
        /// The last UID of the range, or nil for `*`.
        public var upper: UInt32?

        /// A range from `lower` to `upper` (nil meaning `*`).
        public init(_ lower: UInt32, _ upper: UInt32?) {
            self.lower = lower
            self.upper = upper
        }
    }

    /// The ranges in the order given.
    public var ranges: [Range]

    /// A set from explicit ranges.
    public init(ranges: [Range]) { self.ranges = ranges }

    /// A set holding exactly these UIDs, compressed into ranges.
    public init<S: Sequence>(_ uids: S) where S.Element == UInt32 {
        var result: [Range] = []
        for uid in uids.sorted() {
            if let last = result.last, let upper = last.upper, upper != UInt32.max, upper + 1 == uid {
                result[result.count - 1].upper = uid
            } else if let last = result.last, last.upper == uid {
                continue
            } else {
                result.append(Range(uid, uid))
            }
        }
        ranges = result
    }

    /// `lower:upper`.
    public static func range(_ lower: UInt32, _ upper: UInt32) -> UIDSet {
        UIDSet(ranges: [Range(min(lower, upper), max(lower, upper))])
    }

    /// `lower:*`: every UID from `lower` on.
    public static func from(_ lower: UInt32) -> UIDSet {
        UIDSet(ranges: [Range(lower, nil)])
    }

    /// `1:*`: every message.
    public static let all = UIDSet.from(1)

    /// Whether `uid` is in the set (`*` taken as the largest possible UID).
    public func contains(_ uid: UInt32) -> Bool {
        ranges.contains { range in
            let upper = range.upper ?? UInt32.max
            return min(range.lower, upper) <= uid && uid <= max(range.lower, upper)
        }
    }

    /// Whether the set names no UID.
    public var isEmpty: Bool { ranges.isEmpty }

    /// The UIDs of a set without `*`, in order; nil if a range is open-ended or absurdly large.
    public var uids: [UInt32]? {
        var out: [UInt32] = []
        for range in ranges {
            guard let upper = range.upper else { return nil }
            let low = min(range.lower, upper)
            let high = max(range.lower, upper)
            // A server-sent set could name billions of UIDs; refuse to expand that.
            guard out.count + Int(high - low) < 10_000_000 else { return nil }
            out.append(contentsOf: low...high)
        }
        return out
    }

    /// The wire form, e.g. `1:5,9`.
    public var description: String {
        ranges.map { range in
            let upper = range.upper.map(String.init) ?? "*"
            if range.upper == range.lower { return String(range.lower) }
            return "\(range.lower):\(upper)"
        }.joined(separator: ",")
    }
}
