import Foundation
import MailMigIMAP

extension Verifier {
    /// Fetches the bodies of matched pairs on both sides and compares their SHA-256, per source folder.
    ///
    /// Bodies are streamed and hashed one at a time; only the hashes are kept.
    func compareBodies(_ pairs: [MatchedPair], target: String, mailbox: String, src: MailSession,
                       dst: MailSession) async throws -> [String: [ValueMismatch]] {
        var sourceHashes: [String: [UInt32: String]] = [:]
        let byFolder = Dictionary(grouping: pairs, by: \.sourceFolder)
        for (folder, folderPairs) in byFolder.sorted(by: { $0.key < $1.key }) {
            sourceHashes[folder] = try await wrap(src, mailbox: mailbox, folder: folder) {
                _ = try await src.client.examine(src.serverName(folder))
                return try await Self.hashes(of: folderPairs.map(\.source.uid), client: src.client)
            }
        }
        let targetHashes = try await wrap(dst, mailbox: mailbox, folder: pairs.first?.sourceFolder ?? target) {
            _ = try await dst.client.examine(dst.serverName(target))
            return try await Self.hashes(of: pairs.map(\.target.uid), client: dst.client)
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
    static func hashes(of uids: [UInt32], client: IMAPClient) async throws -> [UInt32: String] {
        var result: [UInt32: String] = [:]
        for try await message in try await client.fetch(UIDSet(uids), body: true) {
            if let body = message.body { result[message.uid] = MessageHeaders.sha256(body) }
        }
        return result
    }
}
