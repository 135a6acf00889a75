import Foundation
import MailMigConcurrency

extension IMAPClient {
    /// The Message-ID header of each message in `uids` (`nil` for a message without one), by UID.
    ///
    /// Fetches only that header field, so finding copies another tool already made costs a few bytes
    /// per message instead of the whole message.
    public func fetchMessageIDs(_ uids: UIDSet) async throws -> [UInt32: String?] {
        guard selected != nil else { throw IMAPError.noMailboxSelected(server: server, operation: "UID FETCH") }
        var result: [UInt32: String?] = [:]
        for part in uids.parts() {
            let queue = BoundedQueue<FetchResponse>(capacity: max(64, configuration.fetchBufferDepth))
            // FLAGS, INTERNALDATE and RFC822.SIZE make the responses recognisable as results of this
            // command (a flag update from elsewhere carries FLAGS alone); without all three they are dropped.
            let text = "UID FETCH \(part) (UID FLAGS INTERNALDATE RFC822.SIZE BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)])"
            _ = try await send(Command(text, name: "UID FETCH \(part.abbreviated) Message-ID", kind: .fetch(part, requiresBody: false)), fetchQueue: queue)
            while let response = try await queue.next() {
                guard let uid = response.uid else { continue }
                let header = response.sections.first { $0.key.hasPrefix("HEADER.FIELDS") }?.value ?? []
                result[uid] = Self.headerValue(header)
            }
        }
        return result
    }

    /// The unfolded, trimmed value of the single header field in `bytes` (`Message-ID: <…>`).
    static func headerValue(_ bytes: [UInt8]) -> String? {
        let text = String(decoding: bytes, as: UTF8.self)
        guard let colon = text.firstIndex(of: ":") else { return nil }
        let value = text[text.index(after: colon)...]
            .replacingOccurrences(of: "\r\n", with: "")
            .replacingOccurrences(of: "\n", with: "")
            .trimmingCharacters(in: .whitespaces)
        return value.isEmpty ? nil : value
    }
}
