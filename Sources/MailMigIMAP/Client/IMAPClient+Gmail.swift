import MailMigConcurrency

extension IMAPClient {
    /// Whether the server offers Gmail's IMAP extensions (`X-GM-EXT-1`: X-GM-MSGID, X-GM-THRID,
    /// X-GM-LABELS).
    public var offersGmailExtensions: Bool { capabilities.contains("X-GM-EXT-1") }

    /// The Gmail id, thread and labels of each message in `uids` of the selected folder, by UID.
    ///
    /// Throws `IMAPError.unsupported` where the server does not offer `X-GM-EXT-1`. A long set is
    /// fetched in parts, so the command line never grows with the folder.
    public func fetchGmailAttributes(_ uids: UIDSet) async throws -> [UInt32: GmailAttributes] {
        guard selected != nil else { throw IMAPError.noMailboxSelected(server: server, operation: "UID FETCH X-GM-LABELS") }
        guard offersGmailExtensions else {
            throw IMAPError.unsupported(server: server, capability: "X-GM-EXT-1", operation: "UID FETCH X-GM-MSGID X-GM-LABELS")
        }
        var result: [UInt32: GmailAttributes] = [:]
        for part in uids.parts() {
            let queue = BoundedQueue<FetchResponse>(capacity: max(64, configuration.fetchBufferDepth))
            // FLAGS, INTERNALDATE and RFC822.SIZE make the responses recognisable as this command's (see fetchMessageIDs).
            let text = "UID FETCH \(part) (UID FLAGS INTERNALDATE RFC822.SIZE X-GM-MSGID X-GM-THRID X-GM-LABELS)"
            _ = try await send(Command(text, name: "UID FETCH \(part.abbreviated) X-GM-LABELS", kind: .fetch(part, requiresBody: false)),
                               fetchQueue: queue)
            while let response = try await queue.next() {
                guard let uid = response.uid, let id = response.gmailMessageID else { continue }
                result[uid] = GmailAttributes(messageID: id, threadID: response.gmailThreadID, labels: response.gmailLabels ?? [])
            }
        }
        return result
    }

    /// Adds labels to (or removes them from) messages of the selected folder: `UID STORE uids
    /// +X-GM-LABELS (…)`, so one uploaded message carries several labels instead of being uploaded
    /// once per label. A long set is stored in parts.
    public func storeGmailLabels(_ uids: UIDSet, adding: Bool = true, labels: [String]) async throws {
        guard selected != nil else { throw IMAPError.noMailboxSelected(server: server, operation: "UID STORE X-GM-LABELS") }
        guard offersGmailExtensions else {
            throw IMAPError.unsupported(server: server, capability: "X-GM-EXT-1", operation: "UID STORE X-GM-LABELS")
        }
        guard !labels.isEmpty else { return }
        let list = "(" + labels.map(GmailAttributes.wireForm).joined(separator: " ") + ")"
        for part in uids.parts() {
            let command = Command("UID STORE \(part) \(adding ? "+" : "-")X-GM-LABELS.SILENT \(list)",
                                  name: "UID STORE \(part.abbreviated) \(adding ? "+" : "-")X-GM-LABELS")
            _ = try await execute(command)
        }
    }
}
