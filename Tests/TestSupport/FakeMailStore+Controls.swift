import MailMigCore

/// What a test does to a fake store behind the engine's back: seeding, user activity, server events.
extension FakeMailStore {
    /// Creates a folder (and the mailbox), with a fresh UIDVALIDITY; nothing happens when it exists.
    public func addFolder(_ path: String, of address: String, specialUse: String? = nil, subscribed: Bool = true) {
        insertFolder(address, path, specialUse: specialUse, subscribed: subscribed)
    }

    /// Puts messages into a folder (created when missing) as mail arriving would; returns their keys.
    @discardableResult
    public func seed(_ messages: [SeedMessage], into path: String, of address: String) -> [MessageKey] {
        addFolder(path, of: address)
        // The folder exists now, so this cannot throw.
        return (try? withFolder(address, path) { folder in
            messages.map { folder.add($0.body, flags: $0.flags, internalDate: $0.internalDate) }
        }) ?? []
    }

    /// Sets the flags of one message as a user's client would, giving it a fresh mod-sequence (unless
    /// `faults.frozenModSeq` is armed).
    public func setFlags(_ flags: Set<String>, uid: MessageKey, in path: String, of address: String) throws {
        let frozen = faults.frozenModSeq
        try withFolder(address, path) { folder in
            let highest = folder.highestModSeq
            let own = folder.messages.first { $0.key == uid }?.modSeq
            guard folder.setFlags(flags, of: uid) else { throw MailStoreError(.failed, "no \(uid) in \(path)") }
            guard frozen, let own, let index = folder.messages.firstIndex(where: { $0.key == uid }) else { return }
            folder.highestModSeq = highest
            folder.messages[index].modSeq = own
        }
    }

    /// Rebuilds a folder as a server whose index was lost does: a new UIDVALIDITY and the same messages
    /// numbered again from 1, in their old order. Returns the new UIDVALIDITY.
    @discardableResult
    public func resetUIDValidity(of path: String, of address: String) throws -> UInt32 {
        try withFolder(address, path) { folder in
            folder.uidValidity = takeUIDValidity()
            for index in folder.messages.indices {
                folder.messages[index].uid = UInt32(index + 1)
                folder.messages[index].key = folder.key(for: UInt32(index + 1))
            }
            folder.uidNext = UInt32(folder.messages.count + 1)
            folder.highestModSeq += 1
            return folder.uidValidity
        }
    }

    /// Removes one message (EXPUNGE), as a user deleting it would.
    public func remove(uid: MessageKey, from path: String, of address: String) throws {
        try withFolder(address, path) { folder in
            guard let index = folder.messages.firstIndex(where: { $0.key == uid }) else {
                throw MailStoreError(.failed, "no \(uid) in \(path)")
            }
            folder.messages.remove(at: index)
            folder.highestModSeq += 1
        }
    }

    /// The messages of a folder, in UID order; empty when there is no such folder.
    public func messages(in path: String, of address: String) -> [FakeMessage] {
        (try? withFolder(address, path) { $0.messages }) ?? []
    }

    /// One folder as it is now, if it exists.
    public func folder(_ path: String, of address: String) -> FakeFolder? {
        folders(of: address).first { same($0.path, path) }
    }
}
