import Foundation
import MailMigConcurrency

/// Looks at the source before a migration (`mailmig discover`): per mailbox its folders with message
/// counts and sizes, special-use roles, messages over the size limit, and the risks.
///
/// Mailboxes are the plan's and, when the plan has `source.enumerate`, every mailbox that command
/// lists. A login that fails is reported for that mailbox; the others are still looked at.
public struct Discoverer: Sendable {
    /// The plan and its connections.
    public let context: MailContext
    /// Which limits are risks.
    public var thresholds: DiscoveryThresholds
    /// Whether to run `source.enumerate`.
    public var enumerate: Bool

    /// Creates a discoverer.
    public init(context: MailContext, thresholds: DiscoveryThresholds = DiscoveryThresholds(), enumerate: Bool = true) {
        self.context = context
        self.thresholds = thresholds
        self.enumerate = enumerate
    }

    /// The domain a bare name from `source.enumerate` gets: the plan's first domain, else its first mailbox's.
    public var defaultDomain: String? { context.plan.domains.first?.name ?? context.plan.mailboxes.first?.source.domain }

    /// Looks at every mailbox.
    public func run() async throws -> DiscoveryReport {
        var notes: [String] = []
        var work: [(MailboxMapping, Bool)] = context.plan.mailboxes.map { ($0, true) }
        if enumerate, let command = context.plan.source.enumerate {
            do {
                let output = try await SourceEnumerator.run(command, in: context.plan.baseDirectory,
                                                            environment: context.environment)
                let parsed = SourceEnumerator.parse(output, defaultDomain: defaultDomain)
                let known = Set(context.plan.mailboxes.map(\.source))
                for address in parsed.addresses where !known.contains(address) {
                    work.append((MailboxMapping(source: address, target: address, tags: [], sourceLogin: nil, targetLogin: nil,
                                                location: context.plan.source.location), false))
                }
                if !parsed.rejected.isEmpty {
                    notes.append("source.enumerate printed \(parsed.rejected.count) line\(parsed.rejected.count == 1 ? "" : "s") that are not addresses: "
                                 + parsed.rejected.prefix(5).joined(separator: ", "))
                }
            } catch {
                notes.append("\(error)")
            }
        }
        let delimiter = await targetDelimiter()
        if delimiter == nil, !work.isEmpty {
            notes.append("no target login succeeded, so folder names were checked for length only, not for the target's hierarchy delimiter")
        }
        let mailboxes = try await BoundedConcurrency.map(work, limit: min(context.plan.source.connections, 4)) { mailbox, inPlan in
            await discover(mailbox, inPlan: inPlan, targetDelimiter: delimiter)
        }
        // What the services' presets say cannot be migrated over IMAP, or needs doing first.
        for (side, server) in [("source", context.plan.source), ("target", context.plan.target)] {
            guard let preset = server.preset else { continue }
            notes += preset.notes.map { "\(side) \(preset.description) (preset \(preset.name)): \($0)" }
        }
        return DiscoveryReport(mailboxes: mailboxes, targetDelimiter: delimiter.map(String.init), notes: notes)
    }

    /// The target's hierarchy delimiter, from a login as the first plan mailbox that works (at most three tried).
    func targetDelimiter() async -> Character? {
        for mailbox in context.plan.mailboxes.prefix(3) {
            if let found = try? await context.target.withSession(for: mailbox, { $0.delimiter }) { return found }
        }
        return nil
    }

    /// Looks at one mailbox; a failure becomes the mailbox's error.
    func discover(_ mailbox: MailboxMapping, inPlan: Bool, targetDelimiter: Character?) async -> DiscoveredMailbox {
        var result = DiscoveredMailbox(source: mailbox.source.description, target: mailbox.target.description, inPlan: inPlan,
                                       error: nil, folders: [], risks: [])
        do {
            result.folders = try await context.source.withSession(for: mailbox) { session in try await folders(of: mailbox, session: session) }
        } catch {
            result.error = "\(error)"
        }
        result.risks = DiscoveryRisks.assess(result, targetDelimiter: targetDelimiter, maxMessageSize: context.plan.filters.maxMessageSize,
                                             thresholds: thresholds)
        return result
    }

    /// LIST with STATUS, then per selectable folder that holds mail the sizes and SEARCH LARGER.
    func folders(of mailbox: MailboxMapping, session: any MailStoreSession) async throws -> [DiscoveredFolder] {
        var folders: [DiscoveredFolder] = []
        let listed = try await session.folders(status: true)
        let inboxes = Set(listed.filter(\.listing.isInbox).map(\.listing.path))
        for (listing, status) in listed.map({ ($0.listing, $0.status) }) {
            var folder = DiscoveredFolder(path: listing.path, levels: listing.levels, specialUse: listing.specialUse, selectable: listing.selectable,
                                          messages: status?.messages ?? 0, bytes: 0, oversize: [], shownName: listing.shownName)
            folder.namespace = listing.namespace?.kind
            // A folder STATUS shows empty has no sizes to add up: opening it would only cost round trips.
            if listing.selectable, status?.messages != 0 {
                do {
                    let selected = try await session.openFolder(listing.path, forWriting: false)
                    folder.messages = status?.messages ?? selected.exists
                    if selected.exists > 0 {
                        var sizes: [MessageKey: Int64] = [:]
                        for message in try await session.metadata(.all) { sizes[message.uid] = Int64(message.size ?? 0) }
                        folder.bytes = sizes.values.reduce(0, +)
                        if let limit = context.plan.filters.maxMessageSize?.bytes {
                            let larger = try await session.messageUIDs(.larger(Int(clamping: limit)))
                            folder.oversize = larger.map { OversizeMessage(uid: $0, size: sizes[$0] ?? 0) }
                        }
                    }
                } catch let error as MailStoreError where error.kind != .transient {
                    // One folder the source refuses to open is a risk of that folder; the others are still looked at.
                    folder.unreadable = error.reason
                } catch {
                    throw MailError(error, side: .source, server: context.source.server, mailbox: mailbox.source.description, folder: listing.path)
                }
            }
            folders.append(folder)
        }
        return folders.sorted { left, right in
            let (a, b) = (inboxes.contains(left.path), inboxes.contains(right.path))
            return a != b ? a : left.path < right.path
        }
    }
}
