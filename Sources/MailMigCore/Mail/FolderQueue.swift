import Synchronization

/// The folders of one pass, handed to the lanes copying them one group at a time.
///
/// A group is every folder copied into one target folder: two sessions appending to one target
/// folder at once could not tell their messages apart when reading them back, so such folders go
/// one after the other in one lane. Groups go out largest first (by the messages STATUS shows still
/// to copy), so that the last lane to finish is not the one that drew the largest folder last.
final class FolderQueue: Sendable {
    /// Folders copied into one target folder, with the messages left to copy in them.
    struct Group: Sendable {
        var mappings: [FolderMapping]
        var messages: Int
    }

    private let state: Mutex<(groups: [Group], stopped: Bool)>

    /// A queue of `groups`, largest first (ties keep their order).
    init(_ groups: [Group]) {
        let ordered = groups.enumerated().sorted { ($0.element.messages, -$0.offset) > ($1.element.messages, -$1.offset) }.map(\.element)
        state = Mutex((ordered, false))
    }

    /// The folders of `mappings` grouped by target folder, in the order each target first appears.
    static func grouped(_ mappings: [FolderMapping], messages: (FolderMapping) throws -> Int) rethrows -> [Group] {
        var groups: [Group] = []
        var index: [String: Int] = [:]
        for mapping in mappings {
            let count = try messages(mapping)
            if let at = index[mapping.target] {
                groups[at].mappings.append(mapping)
                groups[at].messages += count
            } else {
                index[mapping.target] = groups.count
                groups.append(Group(mappings: [mapping], messages: count))
            }
        }
        return groups
    }

    /// The next group to copy; nil when none is left or a lane failed.
    func next() -> Group? {
        state.withLock { state in
            guard !state.stopped, !state.groups.isEmpty else { return nil }
            return state.groups.removeFirst()
        }
    }

    /// Hands out nothing more: a lane failed, and the pass ends with what the lanes are copying now.
    func stop() {
        state.withLock { $0.stopped = true }
    }

    /// The groups not handed out yet, and the messages they hold still to copy.
    var remaining: (groups: Int, messages: Int) {
        state.withLock { state in
            state.stopped ? (0, 0) : (state.groups.count, state.groups.reduce(0) { $0 + $1.messages })
        }
    }
}
