import Foundation

extension Verifier {
    /// Fetches the bodies of matched pairs on both sides and compares their SHA-256, per source folder.
    ///
    /// Bodies are streamed and hashed one at a time; only the hashes are kept.
    func compareBodies(_ pairs: [MatchedPair], target: String, mailbox: String, src: any MailStoreSession,
                       dst: any MailStoreSession) async throws -> [String: [ValueMismatch]] {
        var sourceHashes: [String: [MessageKey: String]] = [:]
        let byFolder = Dictionary(grouping: pairs, by: \.sourceFolder)
        for (folder, folderPairs) in byFolder.sorted(by: { $0.key < $1.key }) {
            sourceHashes[folder] = try await wrap(src, mailbox: mailbox, folder: folder) {
                _ = try await src.openFolder(folder, forWriting: false)
                return try await Self.hashes(of: folderPairs.map(\.source.uid), session: src)
            }
        }
        let targetHashes = try await wrap(dst, mailbox: mailbox, folder: pairs.first?.sourceFolder ?? target) {
            _ = try await dst.openFolder(target, forWriting: false)
            return try await Self.hashes(of: pairs.map(\.target.uid), session: dst)
        }
        var result: [String: [ValueMismatch]] = [:]
        for pair in pairs.sorted(by: { $0.source.uid < $1.source.uid }) {
            let left = sourceHashes[pair.sourceFolder]?[pair.source.uid] ?? "(not readable)"
            let right = targetHashes[pair.target.uid] ?? "(not readable)"
            if left != right {
                let ref = FolderComparison.reference(source: pair.source, target: pair.target, messageID: pair.source.messageID)
                result[pair.sourceFolder, default: []].append(ValueMismatch(message: ref, source: left, target: right))
            }
        }
        return result
    }

    /// SHA-256 of each message's body in the selected folder, streamed.
    static func hashes(of uids: [MessageKey], session: any MailStoreSession) async throws -> [MessageKey: String] {
        var result: [MessageKey: String] = [:]
        for try await message in try await session.messages(uids).restricted(to: uids) {
            result[message.uid] = try MessageHeaders.sha256(message.body)
        }
        return result
    }
}
