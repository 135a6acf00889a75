import MailMigCore
import MailMigIMAP

extension IMAPStoreSession {
    /// The folders that show each message, from Gmail's `X-GM-MSGID` and `X-GM-LABELS`; nil where the
    /// server does not offer X-GM-EXT-1.
    func labels(_ selection: MessageSelection) async throws -> [MessageKey: MessageLabels]? {
        guard offersLabels else { return nil }
        let uids = Self.uidSet(selection)
        guard !uids.isEmpty else { return [:] }
        let names = try await labelNames()
        let attributes = try await IMAPErrorClassifier.run { try await client.fetchGmailAttributes(uids) }
        var result: [MessageKey: MessageLabels] = [:]
        for (uid, gmail) in attributes {
            var folders: [String] = []
            for label in gmail.labels {
                if let folder = names.folder(ofLabel: label), !folders.contains(folder) { folders.append(folder) }
            }
            result[.uid(uid)] = MessageLabels(id: String(gmail.messageID), folders: folders)
        }
        return result
    }

    var keepsLabels: Bool { offersLabels }

    func addLabel(of folder: String, to keys: [MessageKey], in path: String, uidValidity: UInt32) async throws -> Bool {
        guard offersLabels else {
            throw MailStoreError(.failed, "the server does not offer X-GM-EXT-1: a message cannot be shown in '\(folder)' without storing it there")
        }
        let names = try await labelNames()
        // A copy in Trash or Spam is not labelled into other folders: on Gmail that would take it out of there.
        guard let label = names.label(ofFolder: folder), names.label(ofFolder: path) != nil else { return false }
        let uids = Self.uidSet(.uids(keys))
        guard !uids.isEmpty else { return true }
        guard try await openFolder(path, forWriting: true).uidValidity == uidValidity else { return false }
        try await IMAPErrorClassifier.run { try await client.storeGmailLabels(uids, labels: [label]) }
        return true
    }

    /// The label names of the listed folders, listing first when nothing has been listed yet.
    private func labelNames() async throws -> GmailLabelNames {
        if let names = table.labelNames { return names }
        _ = try await folders(status: false)
        return table.labelNames ?? GmailLabelNames([])
    }
}
