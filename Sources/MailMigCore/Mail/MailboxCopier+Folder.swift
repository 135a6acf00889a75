import Foundation
import MailMigConcurrency

extension MailboxCopier {
    /// Copies what one folder holds and the ledger does not, then carries changed flags; returns the
    /// messages the source would not deliver (the folder then stays pending).
    ///
    /// The last read-back of what the target stored, and the folder's record after it, are left in
    /// `tail` for the next folder to finish while the source opens that folder: over a WAN, the two
    /// round trips then overlap. The caller finishes the last tail.
    @discardableResult
    func copyFolder(_ mapping: FolderMapping, status: FolderStatus?, recorded: FolderRecord?, labels: LabelPlan, src: any MailStoreSession,
                    dst: any MailStoreSession, tail: inout FolderTail?, result: inout MailPassResult) async throws -> [MessageKey] {
        let address = FolderRecord.address(mailbox: ledgerKey, folder: mapping.source)
        if let recorded, recorded.target == mapping.target, recorded.isCurrent(with: status, for: settings), !labels.changedElsewhere {
            result.unchangedFolders += 1
            return []
        }
        if let empty = Self.emptySnapshot(status, recorded: recorded) {
            try store.commit([try .put(address, kind: FolderRecord.kind, record(of: mapping, selected: empty, status: status, recorded: recorded))])
            return []
        }
        let filter: MessageFilter = cutoffDay.map { .before($0) } ?? .all
        // Opened, listed and described in one exchange: over a WAN, round trips are what a folder costs.
        // A folder never copied is described whole (all of it is to copy); one copied before, where
        // the source tracks changes, by what changed since the last pass: the new mail and the flags
        // the sync below carries.
        let describing: ReadingMetadata
        if recorded == nil {
            describing = .all
        } else if src.tracksChanges, let modSeq = recorded?.highestModSeq, modSeq > 0 {
            // 0 is what STATUS says of a folder without mod-sequences (RFC 7162 §3.1.2.2), where CHANGEDSINCE is refused.
            describing = .changedSince(modSeq)
        } else {
            describing = .none
        }
        // The previous folder's tail goes to the target while the source opens this one; both are
        // awaited before anything is thrown, so neither is cancelled halfway.
        let previous = tail
        tail = nil
        async let finished = Self.outcome { try await previous?.finish(self, dst: dst) }
        let opened = await Self.outcome { try await src.read(mapping.source, listing: filter, metadata: describing) }
        try await finished.get()
        let reading: FolderReading
        do {
            reading = try opened.get()
        } catch {
            let failure = MailError(error, side: .source, server: source.server, mailbox: mailboxID, folder: mapping.source)
            // A folder the source refuses to open stops that folder only; a dropped connection stops the pass.
            if failure.isTransient { throw failure }
            throw UnreadableFolder(error: failure)
        }
        let selected = reading.snapshot
        let uidValidity = selected.uidValidity
        if let recorded, recorded.uidValidity != uidValidity {
            result.rekeyed += try await rekey(folder: mapping.source, from: recorded.uidValidity, to: uidValidity, src: src)
        }
        // What verify found names messages of the UIDVALIDITY it saw; after a renumbering it is verified again.
        let findings = recorded?.uidValidity == uidValidity ? recorded?.verifyFindings : nil
        if let findings, !findings.missing.isEmpty {
            result.restored += try await forgetMissing(findings.missing, mapping: mapping, uidValidity: uidValidity, dst: dst)
        }
        let copied = try store.ledgerUIDs(mailbox: ledgerKey, folder: mapping.source, uidValidity: uidValidity)
        let skipped = try store.skippedUIDs(mailbox: ledgerKey, folder: mapping.source, uidValidity: uidValidity)
        let found = reading.keys
        var candidates = found.filter { !copied.contains($0) && !skipped.contains($0) }.sorted()
        // What changed since the recorded mod-sequence, valid while the UIDs still name the same messages.
        var changes: [MessageMetadata]?
        if case .changedSince = describing, recorded?.uidValidity == uidValidity { changes = reading.metadata }
        let described: FolderDescription? = recorded == nil ? FolderDescription(metadata: reading.metadata, complete: true)
            : changes.map { FolderDescription(metadata: $0, complete: false) }
        // Messages without a ledger row when the folder was opened: whatever this pass records of them is
        // newer than the changes read with the opening, which the flag sync must not carry over it.
        let unrecorded = Set(candidates)
        var decidedBelow: UInt32?
        if mapping.rule == .allMail {
            let earlier = recorded?.uidValidity == uidValidity ? recorded?.decidedBelow : nil
            let seenBelow = status?.uidNext ?? found.compactMap(\.uid).max().map { $0 + 1 }
            let decided = try await unlabeled(candidates, mapping: mapping, seenBelow: seenBelow, decidedBelow: earlier, labels: labels, src: src)
            candidates = decided.copy
            result.inOtherFolders += decided.elsewhere
            decidedBelow = seenBelow ?? earlier
        } else if labels.mode == .keywords, !candidates.isEmpty {
            // A message whose first label changed since it was copied is not copied again from its new home.
            let decided = try await notHeldElsewhere(candidates, mapping: mapping, src: src)
            candidates = decided.copy
            result.inOtherFolders += decided.elsewhere
        }
        if settings.dedupeTarget, !candidates.isEmpty {
            let matched = try await deduplicate(candidates, mapping: mapping, uidValidity: uidValidity, src: src, dst: dst)
            result.deduplicated += matched.count
            candidates.removeAll { matched.contains($0) }
        }
        var unreturned: [MessageKey] = []
        // What is appended and not read back yet; it goes to `tail` on every way out, so an error after
        // the copy still leaves the read-back to the caller.
        var current = FolderTail(mapping: mapping, unread: [], record: nil)
        do {
            if !candidates.isEmpty {
                unreturned = try await copyMessages(candidates, described: described, mapping: mapping, uidValidity: uidValidity,
                                                    src: src, dst: dst, unread: &current.unread, result: &result)
            }
            if let findings, findings.flagsDiffer > 0, !copied.isEmpty {
                // Neither the ledger nor CONDSTORE saw these changes: compare with what the target holds.
                var dropped: [String] = []
                result.flagUpdates += try await repairFlags(mapping: mapping, uidValidity: uidValidity, src: src, dst: dst, dropped: &dropped)
                result.dropped(dropped, in: mapping.source)
            } else if settings.stage >= .sync, !copied.isEmpty {
                var dropped: [String] = []
                // Label keywords change with other folders, which this folder's mod-sequences do not show: all are compared then.
                let since = labels.changedElsewhere ? nil : recorded
                result.flagUpdates += try await syncFlags(mapping: mapping, uidValidity: uidValidity, since: since, changes: since == nil ? nil : changes,
                                                          excluding: unrecorded, src: src, dst: dst, dropped: &dropped)
                result.dropped(dropped, in: mapping.source)
            }
        } catch {
            if !current.unread.isEmpty { tail = current }
            throw error
        }
        // A folder the source did not fully deliver is not current: the next pass asks for the rest.
        if unreturned.isEmpty {
            current.record = record(of: mapping, selected: selected, status: status, recorded: recorded)
            current.record?.decidedBelow = decidedBelow
        }
        if current.unread.isEmpty {
            try await current.finish(self, dst: dst)
        } else {
            tail = current
        }
        return unreturned
    }

    /// The outcome of `body`, as a value: to await two things at once and throw only after both ended.
    static func outcome<T: Sendable>(_ body: () async throws -> T) async -> Result<T, any Error> {
        do { return .success(try await body()) } catch { return .failure(error) }
    }

    /// The folder's state after a complete pass over it.
    ///
    /// A pass below sync carries no flags, so it keeps the HIGHESTMODSEQ recorded before it: the flag
    /// changes since then are still to carry, and the sync's CHANGEDSINCE must read them.
    private func record(of mapping: FolderMapping, selected: FolderSnapshot, status: FolderStatus?, recorded: FolderRecord?) -> FolderRecord {
        var highestModSeq = selected.highestModSeq ?? status?.highestModSeq
        if settings.stage < .sync, let recorded, recorded.uidValidity == selected.uidValidity {
            highestModSeq = recorded.highestModSeq
        }
        var record = FolderRecord(source: mapping.source, target: mapping.target, uidValidity: selected.uidValidity,
                                  uidNext: selected.uidNext ?? status?.uidNext, highestModSeq: highestModSeq,
                                  messages: selected.exists,
                                  stage: max(settings.stage, recorded?.stage ?? settings.stage),
                                  cutoff: settings.stage == .presync ? cutoffText : recorded?.cutoff, at: Date(),
                                  verifyFindings: recorded?.verifyFindings?.afterPass)
        // STATUS's size describes the opened folder only when nothing arrived or left in between.
        if let status, let uidNext = selected.uidNext, status.uidValidity == selected.uidValidity, status.uidNext == uidNext,
           status.messages == selected.exists {
            record.size = status.size
        }
        return record
    }

    /// What opening the folder would tell, when STATUS already shows it empty under the UIDVALIDITY the
    /// ledger knows: nothing to copy and no flag to carry, so the pass records it without opening it.
    /// Nil when the folder must be opened (messages, a new UIDVALIDITY to re-key, or no STATUS).
    static func emptySnapshot(_ status: FolderStatus?, recorded: FolderRecord?) -> FolderSnapshot? {
        guard let status, status.messages == 0, let uidValidity = status.uidValidity,
              recorded == nil || recorded?.uidValidity == uidValidity else { return nil }
        return FolderSnapshot(uidValidity: uidValidity, uidNext: status.uidNext, highestModSeq: status.highestModSeq, exists: 0)
    }

    /// Streams the candidates from the source and appends them to the target in recorded chunks;
    /// returns those the source did not deliver even when asked twice. The appended messages not read
    /// back from the target yet (fewer than `readBackBatch`) are added to `unread`, also when it throws.
    /// `described` is the metadata read with the folder; what it does not describe is asked for.
    private func copyMessages(_ candidates: [MessageKey], described: FolderDescription?, mapping: FolderMapping, uidValidity: UInt32,
                              src: any MailStoreSession, dst: any MailStoreSession, unread: inout [LedgerEntry],
                              result: inout MailPassResult) async throws -> [MessageKey] {
        var metadata: [MessageMetadata] = []
        var undescribed = candidates
        if let described {
            let byUID = Dictionary(described.metadata.map { ($0.uid, $0) }, uniquingKeysWith: { first, _ in first })
            metadata = candidates.compactMap { byUID[$0] }
            // Left out of a description of the whole folder, a message is missing; left out of the
            // changes since the last pass, it is older (left behind by a presync's cutoff, say) and is asked for.
            undescribed = described.complete ? [] : candidates.filter { byUID[$0] == nil }
        }
        if !undescribed.isEmpty {
            metadata += try await wrap(folder: mapping.source, side: .source) { try await src.metadata(.uids(undescribed)) }
            metadata.sort { $0.uid < $1.uid }
        }
        var oversize: [SkippedMessage] = []
        var wanted: [MessageKey] = []
        for message in metadata {
            if let limit = settings.maxMessageSize, let size = message.size, Int64(size) > limit {
                oversize.append(tooLarge(message.uid, size: size, internalDate: message.internalDate, folder: mapping.source, uidValidity: uidValidity))
            } else {
                wanted.append(message.uid)
            }
        }
        try await recordTooLarge(oversize, folder: mapping.source, src: src, result: &result)
        // A message SEARCH listed but the metadata FETCH left out is missing as much as one whose body
        // never came: never dropped silently.
        let described = Set(metadata.map(\.uid))
        var missing = candidates.filter { !described.contains($0) }
        if !wanted.isEmpty {
            progress?.folderStarted(mailbox: mailboxID, folder: mapping.source, messages: wanted.count)
            let binary = await dst.acceptsNUL
            // The source's own id of each message (Gmail's X-GM-MSGID), which the ledger keeps as its identity across folders.
            let globalIDs = try await wrap(folder: mapping.source, side: .source) { try await src.labels(.uids(wanted)) }?.mapValues(\.id) ?? [:]
            // A server may leave out messages it was asked for (a damaged index, a message expunged
            // meanwhile): those are asked for once more, and what is still missing is reported, never
            // taken as copied.
            // A target whose folders are labels (Gmail) shows a message copied from another folder here by a label, not a
            // second upload; a copy labelled into this folder stays taken when the missing messages are asked for again.
            var copies = dst.keepsLabels ? try TargetCopies(store.ledger(mailbox: ledgerKey, folder: nil), besides: mapping) : nil
            var unsent = wanted
            for _ in 1...2 where !unsent.isEmpty {
                let delivered = try await transfer(unsent, mapping: mapping, uidValidity: uidValidity, binary: binary, globalIDs: globalIDs,
                                                   copies: &copies, unread: &unread, src: src, dst: dst, result: &result)
                unsent.removeAll { delivered.contains($0) }
            }
            missing += unsent
        }
        guard !missing.isEmpty else { return [] }
        // A message deleted on the source meanwhile is no longer listed: nothing to copy, nothing lost.
        let listed = Set(try await wrap(folder: mapping.source, side: .source) { try await src.messageUIDs(.all) })
        return missing.filter { listed.contains($0) }
    }

    /// A message skipped for exceeding `filters.max_message_size`, by the size its metadata or its
    /// body's announced length gave.
    private func tooLarge(_ uid: MessageKey, size: Int, internalDate: MessageDate?, folder: String, uidValidity: UInt32) -> SkippedMessage {
        let limit = settings.maxMessageSizeText ?? settings.maxMessageSize.map { "\($0) bytes" } ?? "none"
        return SkippedMessage(mailbox: ledgerKey, folder: folder, uidValidity: uidValidity, uid: uid, size: size,
                              internalDate: internalDate?.description, messageID: nil,
                              reason: "larger than filters.max_message_size (\(limit))")
    }

    /// Records messages skipped as too large, named by their Message-ID; the source connection must be
    /// free (no body stream unfinished).
    private func recordTooLarge(_ oversize: [SkippedMessage], folder: String, src: any MailStoreSession,
                                result: inout MailPassResult) async throws {
        guard !oversize.isEmpty else { return }
        var oversize = oversize
        // Only the header field is read, so reports can name a skipped message by its Message-ID.
        let ids = try await wrap(folder: folder, side: .source) { try await src.messageIDs(.uids(oversize.map(\.uid))) }
        for index in oversize.indices { oversize[index].messageID = ids[oversize[index].uid] ?? nil }
        try store.recordSkipped(oversize)
        result.skipped += oversize.count
        progress?.skipped(mailbox: mailboxID, count: oversize.count)
    }

    /// One stream of `keys` from the source, appended in recorded chunks; returns the keys delivered.
    /// The messages appended are read back from the target `readBackBatch` at a time; fewer are left
    /// in `unread` for the caller.
    private func transfer(_ keys: [MessageKey], mapping: FolderMapping, uidValidity: UInt32, binary: Bool, globalIDs: [MessageKey: String],
                          copies: inout TargetCopies?, unread appended: inout [LedgerEntry], src: any MailStoreSession, dst: any MailStoreSession,
                          result: inout MailPassResult) async throws -> Set<MessageKey> {
        // Only messages asked for pass, each once: a server sending another message, or one twice,
        // must not make it appended. A body larger than the size limit is never read, whatever the
        // metadata said; the message is skipped as too large.
        let stream = try await wrap(folder: mapping.source, side: .source) {
            try await src.messages(keys, maxBodySize: settings.maxMessageSize)
        }.restricted(to: keys)
        // Reading the next chunk from the source overlaps with appending the current one to the target.
        let queue = BoundedQueue<FetchedChunk>(capacity: 2)
        let reader = Task { try await readChunks(stream, into: queue, folder: mapping.source, uidValidity: uidValidity, binary: binary) }
        do {
            while let chunk = try await queue.next() {
                appended += try await appendChunk(chunk.messages, mapping: mapping, uidValidity: uidValidity, globalIDs: globalIDs, copies: &copies, dst: dst,
                                                  result: &result)
                // Its bodies are let go now, and so is its share of the budget (said, not left to when the value dies).
                chunk.release()
                // Read back in batches, so what a folder's copy keeps in memory does not grow with the folder.
                if appended.count >= Self.readBackBatch {
                    try await recordRewrites(of: appended, in: mapping.target, folder: mapping.source, dst: dst)
                    appended.removeAll(keepingCapacity: true)
                }
            }
        } catch {
            await queue.abandon()
            _ = try? await reader.value
            // What was appended before the source broke stays copied; what the target changed of it is
            // recorded now, since verify must not take those changes for differences. A target that
            // failed is not asked again.
            if let mail = error as? MailError, mail.side == .source {
                try? await recordRewrites(of: appended, in: mapping.target, folder: mapping.source, dst: dst)
                appended.removeAll()
            }
            if let mail = error as? MailError { throw mail }
            throw MailError.wrapping(error, side: .source, server: source.server, mailbox: mailboxID, folder: mapping.source)
        }
        let (unstorable, oversize, delivered) = try await reader.value
        result.skipped += unstorable
        if unstorable > 0 { progress?.skipped(mailbox: mailboxID, count: unstorable) }
        try await recordTooLarge(oversize, folder: mapping.source, src: src, result: &result)
        return delivered
    }

    /// Reads the fetch stream into chunks; skips (and records) messages the target cannot take unaltered.
    /// Returns how many it skipped, the messages that turned out too large (to record once the stream
    /// is done), and which messages arrived; when the stream breaks, what arrived is still handed over,
    /// then the failure.
    private func readChunks(_ stream: MessageStream, into queue: BoundedQueue<FetchedChunk>, folder: String,
                            uidValidity: UInt32, binary: Bool)
        async throws -> (skipped: Int, oversize: [SkippedMessage], delivered: Set<MessageKey>) {
        var skipped = 0
        var oversize: [SkippedMessage] = []
        var delivered = Set<MessageKey>()
        var chunk = FetchedChunk()
        do {
            for try await message in stream {
                delivered.insert(message.uid)
                if let size = message.omittedSize {
                    oversize.append(tooLarge(message.uid, size: size, internalDate: message.internalDate, folder: folder, uidValidity: uidValidity))
                    continue
                }
                let body = message.body
                // The one read of the body for NUL bytes: it decides the skip here and the literal on the wire.
                let containsNUL = try body.contains(0)
                if !binary, containsNUL {
                    try store.recordSkipped([SkippedMessage(
                        mailbox: ledgerKey, folder: folder, uidValidity: uidValidity, uid: message.uid, size: body.count,
                        internalDate: message.internalDate?.description, messageID: try MessageHeaders.messageID(in: body),
                        reason: "contains NUL bytes and the target does not offer BINARY, so it cannot be appended unaltered")])
                    skipped += 1
                    continue
                }
                // The pass's lanes share one budget for the bodies they hold in memory (a spooled body is
                // a file and costs none). A chunk reserves its greatest size before its first message, so
                // no lane ever waits with a partial chunk that others would wait for in turn; a message
                // that would take it past its reservation starts the next chunk; once sent, a chunk keeps
                // only what it holds.
                let cost = body.inMemory?.count ?? 0
                if !chunk.messages.isEmpty, chunk.inMemoryBytes + cost > Self.chunkBytes {
                    guard await queue.send(chunk.sealed()) else { return (skipped, oversize, delivered) }
                    chunk = FetchedChunk()
                }
                if chunk.claim == nil { chunk.claim = try await bodies.claim(Self.chunkBytes) }
                chunk.messages.append(FetchedMessage(message: message, containsNUL: containsNUL))
                chunk.bytes += body.count
                chunk.inMemoryBytes += cost
                if chunk.messages.count >= Self.chunkMessages || chunk.bytes >= Self.chunkBytes {
                    guard await queue.send(chunk.sealed()) else { return (skipped, oversize, delivered) }
                    chunk = FetchedChunk()
                }
            }
            if !chunk.messages.isEmpty { _ = await queue.send(chunk.sealed()) }
            await queue.finish()
        } catch {
            // The messages fully received before the stream broke are appended and recorded before the
            // failure is passed on: a source that drops the connection every few messages still lets
            // every attempt make progress instead of throwing the chunk away each time.
            if !chunk.messages.isEmpty { _ = await queue.send(chunk.sealed()) }
            let wrapped = MailError.wrapping(error, side: .source, server: source.server, mailbox: mailboxID, folder: folder)
            await queue.finish(throwing: wrapped)
            throw wrapped
        }
        return (skipped, oversize, delivered)
    }

    /// Reads back what the target stored for the messages just appended and records every attribute
    /// it changed (a date it cannot represent, keywords it drops): one EXAMINE and one FETCH per folder.
    func recordRewrites(of appended: [LedgerEntry], in targetFolder: String, folder: String, dst: any MailStoreSession) async throws {
        let located = appended.filter { $0.targetUID != nil && $0.targetUIDValidity != nil }
        guard !located.isEmpty else { return }
        // Opened, read and closed in one exchange; copies of another UIDVALIDITY (renumbered meanwhile) are left out.
        let reading = try await wrap(folder: folder, side: .target) {
            try await dst.readMetadata(.uids(located.compactMap(\.targetUID)), in: targetFolder)
        }
        let byTargetUID = Dictionary(located.filter { $0.targetUIDValidity == reading.snapshot.uidValidity }.compactMap { entry in
            entry.targetUID.map { ($0, entry) }
        }, uniquingKeysWith: { first, _ in first })
        var rewrites: [TargetRewrite] = []
        for message in reading.metadata {
            guard let entry = byTargetUID[message.uid] else { continue }
            rewrites += Self.rewrites(of: entry, stored: message)
        }
        try store.recordTargetRewrites(rewrites)
    }

    /// What the target stored differently from what was sent for `entry`: its internal date, its flags.
    static func rewrites(of entry: LedgerEntry, stored message: MessageMetadata) -> [TargetRewrite] {
        var rewrites: [TargetRewrite] = []
        if !FolderComparison.sameDate(entry.internalDate, message.internalDate?.description) {
            rewrites.append(TargetRewrite(mailbox: entry.mailbox, folder: entry.folder, uidValidity: entry.uidValidity, uid: entry.uid,
                                          attribute: .internalDate, sent: entry.internalDate, stored: message.internalDate?.description ?? "none"))
        }
        let storedFlags = storable(message.flags)
        if !MessageFlags.same(entry.flags, storedFlags) {
            rewrites.append(TargetRewrite(mailbox: entry.mailbox, folder: entry.folder, uidValidity: entry.uidValidity, uid: entry.uid,
                                          attribute: .flags, sent: entry.flags.joined(separator: " "), stored: storedFlags.joined(separator: " ")))
        }
        return rewrites
    }

    /// Records a chunk as pending, appends it, and commits what the target confirmed to the ledger;
    /// returns the ledger rows committed.
    private func appendChunk(_ chunk: [FetchedMessage], mapping: FolderMapping, uidValidity: UInt32, globalIDs: [MessageKey: String],
                             copies: inout TargetCopies?,
                             dst: any MailStoreSession, result: inout MailPassResult) async throws -> [LedgerEntry] {
        var entries: [LedgerEntry] = []
        var messages: [OutgoingMessage] = []
        for fetched in chunk {
            let message = fetched.message
            let body = message.body
            let flags = Self.storable(message.flags)
            let digest = try MessageHeaders.sha256(body)
            entries.append(LedgerEntry(mailbox: ledgerKey, folder: mapping.source, uidValidity: uidValidity, uid: message.uid,
                                       messageID: try MessageHeaders.messageID(in: body), size: body.count,
                                       internalDate: message.internalDate?.description ?? "", sha256: digest,
                                       flags: flags, targetFolder: mapping.target, targetUIDValidity: nil, targetUID: nil,
                                       globalID: globalIDs[message.uid]))
            // The ledger keeps every flag, so flag sync sees no change; the target is sent only what it can take.
            let sendable = MessageFlags.sendable(flags)
            result.dropped(sendable.dropped, in: mapping.source)
            // A store that records where a message came from (a backup's manifest) learns it in the ledger's own terms.
            let identity = "\(mapping.source) \(uidValidity) \(message.uid.storageText)"
            messages.append(OutgoingMessage(content: body, flags: sendable.kept, internalDate: message.internalDate, containsNUL: fetched.containsNUL,
                                            sourceIdentity: identity, sha256: digest))
        }
        try lease?.check(mailbox: mailboxID)
        try store.recordPendingCopies(entries)
        faults.pass("mail-pending")
        var labelled = Set<Int>()
        if var available = copies {
            labelled = try await label(entries, copies: &available, mapping: mapping, dst: dst)
            copies = available
        }
        let unlabelled = messages.indices.filter { !labelled.contains($0) }
        let appendedOutcomes = unlabelled.isEmpty ? [] : try await wrap(folder: mapping.source, side: .target) {
            try await dst.append(unlabelled.map { messages[$0] }, to: mapping.target)
        }
        var outcomes = [AppendOutcome](repeating: .stored(uidValidity: nil, uid: nil), count: entries.count)
        // An outcome missing for a message sent (which no store gives) leaves it pending, never confirmed.
        for (position, index) in unlabelled.enumerated() {
            outcomes[index] = position < appendedOutcomes.count ? appendedOutcomes[position]
                : .failed(MailStoreError(.failed, "the target gave no answer for one message of the APPEND"))
        }
        var confirmed: [LedgerEntry] = []
        var refused: [SkippedMessage] = []
        var fatal: MailError?
        for (index, outcome) in outcomes.enumerated() where index < entries.count {
            switch outcome {
            case .stored(let validity, let uid):
                var entry = entries[index]
                entry.targetUIDValidity = validity
                entry.targetUID = uid
                confirmed.append(entry)
            case .refused(let reason):
                // The server refused this one message (size, content policy): report it, keep going.
                let entry = entries[index]
                refused.append(SkippedMessage(mailbox: ledgerKey, folder: mapping.source, uidValidity: uidValidity, uid: entry.uid,
                                              size: entry.size, internalDate: entry.internalDate, messageID: entry.messageID,
                                              reason: "refused by the target: \(reason)"))
            case .failed(let error):
                if fatal == nil { fatal = MailError(error, side: .target, server: target.server, mailbox: mailboxID, folder: mapping.source) }
            }
        }
        faults.pass("mail-append")
        try store.commitCopies(confirmed)
        try store.recordSkipped(refused)
        try store.dropPendingCopies(refused.compactMap { skip in entries.first { $0.uid == skip.uid } })
        let labelledUIDs = Set(labelled.map { entries[$0].uid })
        let uploaded = confirmed.filter { !labelledUIDs.contains($0.uid) }
        result.copied += uploaded.count
        result.labelled += confirmed.count - uploaded.count
        let bytes = uploaded.reduce(Int64(0)) { $0 + Int64($1.size) }
        result.bytes += bytes
        result.skipped += refused.count
        if !refused.isEmpty { progress?.skipped(mailbox: mailboxID, count: refused.count) }
        progress?.copied(mailbox: mailboxID, count: confirmed.count, bytes: bytes)
        if let fatal { throw fatal }
        return confirmed
    }
}

/// The metadata read with a folder's opening (`MailStoreSession.read`): of every message when
/// `complete`, else of those changed since the last pass.
struct FolderDescription: Sendable {
    /// Size, internal date and flags, by message.
    var metadata: [MessageMetadata]
    /// Whether every message of the folder is described.
    var complete: Bool
}

/// A message read from the source, with what the copier learned of its bytes on the way.
struct FetchedMessage: Sendable {
    /// The message as the source stored it.
    var message: StoredMessage
    /// Whether its bytes contain NUL.
    var containsNUL: Bool
}

/// Messages read for one APPEND, with the share of the pass's body budget they hold: given back when
/// the chunk is let go, appended or dropped.
struct FetchedChunk: Sendable {
    var messages: [FetchedMessage] = []
    /// The bytes of its bodies, and of those held in memory (a spooled body is a file).
    var bytes = 0, inMemoryBytes = 0
    /// The budget reserved for it; nil before its first message.
    var claim: ByteBudget.Claim?

    /// The chunk as it is handed to the appender: holding only what its messages take.
    func sealed() -> FetchedChunk {
        claim?.keep(inMemoryBytes)
        return self
    }

    /// Gives its share of the budget back once its messages are appended.
    func release() {
        claim?.keep(0)
    }
}

/// A source folder the server refused to open (`NO` to SELECT or EXAMINE): the pass goes on with the
/// other folders and fails at its end, naming it.
struct UnreadableFolder: Error {
    /// The refusal, naming the folder.
    var error: MailError
}
