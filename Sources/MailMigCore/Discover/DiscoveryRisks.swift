import Foundation

/// Finds the risks of one mailbox from its folders, without any I/O.
public enum DiscoveryRisks {
    /// The risks of `mailbox` given the target's delimiter (nil: unknown, names are checked for length only).
    public static func assess(_ mailbox: DiscoveredMailbox, targetDelimiter: Character?, maxMessageSize: ByteSize?,
                              thresholds: DiscoveryThresholds = DiscoveryThresholds()) -> [DiscoveryRisk] {
        let address = mailbox.source
        if let error = mailbox.error {
            return [DiscoveryRisk(kind: .loginFailed, mailbox: address, folder: nil, message: "cannot be read: \(error)")]
        }
        var risks: [DiscoveryRisk] = []
        if mailbox.bytes >= thresholds.mailboxBytes {
            risks.append(DiscoveryRisk(kind: .largeMailbox, mailbox: address, folder: nil,
                                       message: "holds \(Formatting.bytes(mailbox.bytes)), at least \(gigabytes(thresholds.mailboxBytes)): plan its passes over several days"))
        }
        if mailbox.messages > thresholds.items {
            risks.append(DiscoveryRisk(kind: .manyItems, mailbox: address, folder: nil,
                                       message: "holds \(Formatting.count(mailbox.messages)) messages, more than \(Formatting.count(thresholds.items))"))
        }
        for folder in mailbox.folders where folder.namespace == nil {
            let isTrash = folder.specialUse?.lowercased() == "\\trash" || folder.path.lowercased() == "trash"
            if isTrash, folder.bytes >= thresholds.trashBytes {
                risks.append(DiscoveryRisk(kind: .largeTrash, mailbox: address, folder: folder.path,
                                           message: "the trash holds \(Formatting.bytes(folder.bytes)), at least \(gigabytes(thresholds.trashBytes)): consider folders.exclude or emptying it first"))
            }
            let levels = folder.levels
            if let reason = folder.unreadable {
                risks.append(DiscoveryRisk(kind: .unreadableFolder, mailbox: address, folder: folder.path,
                                           message: "the server refused to open it (\(reason)): apply copies the other folders and fails naming it; folders.exclude leaves it behind"))
            }
            if let shown = folder.shownName {
                risks.append(DiscoveryRisk(kind: .folderName, mailbox: address, folder: folder.path,
                                           message: "the server lists it as \(shown); it is copied to the target folder '\(folder.path)'"))
            }
            if let delimiter = targetDelimiter, let level = levels.first(where: { $0.contains(delimiter) }) {
                risks.append(DiscoveryRisk(kind: .folderName, mailbox: address, folder: folder.path,
                                           message: "the level '\(level)' contains '\(delimiter)', the target's hierarchy delimiter; it would be copied as '\(level.replacingOccurrences(of: String(delimiter), with: "_"))'"))
            }
            let serverName = levels.joined(separator: targetDelimiter.map(String.init) ?? "/")
            if serverName.utf8.count > thresholds.nameBytes {
                risks.append(DiscoveryRisk(kind: .folderName, mailbox: address, folder: folder.path,
                                           message: "the name is \(serverName.utf8.count) bytes long; targets hold at most \(thresholds.nameBytes)"))
            }
            if !folder.oversize.isEmpty {
                let largest = folder.oversize.map(\.size).max() ?? 0
                let limit = maxMessageSize?.text ?? "the size limit"
                let count = folder.oversize.count
                risks.append(DiscoveryRisk(kind: .oversize, mailbox: address, folder: folder.path,
                                           message: "\(count) message\(count == 1 ? " is" : "s are") larger than filters.max_message_size (\(limit)), the largest \(Formatting.bytes(largest)); \(count == 1 ? "it" : "they") will be skipped and reported"))
            }
        }
        return risks
    }

    private static func gigabytes(_ bytes: Int64) -> String { "\(bytes / 1_000_000_000) GB" }
}
