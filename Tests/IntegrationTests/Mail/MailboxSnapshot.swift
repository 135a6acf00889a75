import Foundation

/// What scripts/corpus/dump.py read from one user: folders with their messages' hashes, flags and dates.
struct MailboxSnapshot: Decodable {
    /// One message as dump.py reports it.
    struct Message: Decodable, Hashable {
        var uid: UInt32
        var sha256: String
        var size: Int
        var flags: [String]
        var internalDate: Int?
        var nul: Bool

        enum CodingKeys: String, CodingKey {
            case uid, sha256, size, flags, nul
            case internalDate = "internal_date"
        }

        /// What must be equal between a source message and its copy.
        var fingerprint: Fingerprint { Fingerprint(sha256: sha256, flags: flags.sorted(), internalDate: internalDate) }
    }

    /// Bytes, flags and internal date of a message, without its UID.
    struct Fingerprint: Hashable, Comparable, CustomStringConvertible {
        var sha256: String
        var flags: [String]
        var internalDate: Int?

        static func < (lhs: Fingerprint, rhs: Fingerprint) -> Bool { lhs.description < rhs.description }
        var description: String { "\(sha256.prefix(12)) \(flags.joined(separator: ",")) @\(internalDate ?? -1)" }
    }

    /// One folder: its SPECIAL-USE role and its messages.
    struct Folder: Decodable {
        var specialUse: String?
        var messages: [Message]

        enum CodingKeys: String, CodingKey {
            case messages
            case specialUse = "special_use"
        }
    }

    var user: String
    var folders: [String: Folder]

    /// All messages of the mailbox.
    var allMessages: [Message] { folders.values.flatMap(\.messages) }

    /// The same mailbox with only the messages `isIncluded` accepts (what a filtered copy should hold).
    func keeping(_ isIncluded: (Message) -> Bool) -> MailboxSnapshot {
        MailboxSnapshot(user: user, folders: folders.mapValues { folder in
            var kept = folder
            kept.messages = folder.messages.filter(isIncluded)
            return kept
        })
    }

    /// Message count over all folders.
    var count: Int { folders.values.reduce(0) { $0 + $1.messages.count } }

    /// Fingerprints per folder, as sorted lists (multisets), leaving out empty folders.
    var multisets: [String: [Fingerprint]] {
        var result: [String: [Fingerprint]] = [:]
        for (name, folder) in folders where !folder.messages.isEmpty {
            result[name] = folder.messages.map(\.fingerprint).sorted()
        }
        return result
    }

    /// Byte hashes per folder (flags and dates left out), sorted.
    var hashes: [String: [String]] {
        var result: [String: [String]] = [:]
        for (name, folder) in folders where !folder.messages.isEmpty {
            result[name] = folder.messages.map(\.sha256).sorted()
        }
        return result
    }

    /// The multisets a correct migration leaves on the target: each source folder moved to `target(folder)`
    /// (nil: not copied), folders mapped onto the same target merged.
    func expectedTarget(_ target: (String, Folder) -> String?) -> [String: [Fingerprint]] {
        var result: [String: [Fingerprint]] = [:]
        for (name, folder) in folders where !folder.messages.isEmpty {
            guard let destination = target(name, folder) else { continue }
            result[destination, default: []] += folder.messages.map(\.fingerprint)
        }
        return result.mapValues { $0.sorted() }
    }

    /// A readable account of how two multisets differ (at most a few lines per folder).
    static func difference(expected: [String: [Fingerprint]], actual: [String: [Fingerprint]]) -> String {
        var lines: [String] = []
        for folder in Set(expected.keys).union(actual.keys).sorted() {
            let want = expected[folder] ?? []
            let got = actual[folder] ?? []
            guard want != got else { continue }
            var remaining = Dictionary(want.map { ($0, 1) }, uniquingKeysWith: +)
            var extra: [Fingerprint] = []
            for item in got {
                if let count = remaining[item], count > 0 { remaining[item] = count - 1 } else { extra.append(item) }
            }
            let missing = remaining.flatMap { Array(repeating: $0.key, count: $0.value) }.sorted()
            lines.append("\(folder): expected \(want.count), found \(got.count); missing \(missing.count) \(missing.prefix(3)); unexpected \(extra.count) \(extra.prefix(3))")
        }
        return lines.joined(separator: "\n")
    }
}
