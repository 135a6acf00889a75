extension MailboxCopier {
    /// Lanes a pass borrows at most besides its own: four sessions per side for one mailbox, within the
    /// per-user connection limits of common servers (Dovecot 10 per user and address, Gmail 15).
    static let extraLanes = 3
    /// Messages still to copy, by STATUS, below which a lane is not borrowed: its login costs more
    /// round trips than it saves.
    static let messagesWorthALane = 200

    /// What one borrowed lane did.
    struct LaneOutcome: Sendable {
        var result = MailPassResult()
        var undelivered: [(folder: String, keys: [MessageKey])] = []
        var unreadable: [MailError] = []
    }

    /// Copies the folders as `copyFolders` does, on this pass's sessions and, while the apply has passes
    /// to spare (`lanes`) and enough is left to copy, on up to `extraLanes` more session pairs, one
    /// folder group each at a time. A lane that cannot log in leaves its share to the others; a lane
    /// that fails stops every lane from starting another folder, and the first failure is thrown once
    /// all have ended. Folders whose copy depends on the others' (All Mail, `folders.labels: keywords`)
    /// are copied in this pass's lane alone.
    func copyFoldersInLanes(_ mappings: [FolderMapping], statuses: [String: FolderStatus?], records: FolderRecords, labels: LabelPlan, src: any MailStoreSession,
                            dst: any MailStoreSession, tail: inout FolderTail?, undelivered: inout [(folder: String, keys: [MessageKey])],
                            unreadable: inout [MailError], result: inout MailPassResult) async throws {
        guard let lanes, labels.mode != .keywords, !mappings.contains(where: { $0.rule == .allMail }) else {
            try await copyFolders(mappings, statuses: statuses, records: records, labels: labels, src: src, dst: dst, tail: &tail,
                                  undelivered: &undelivered, unreadable: &unreadable, result: &result)
            return
        }
        let queue = FolderQueue(FolderQueue.grouped(mappings) { messagesToCopy($0, status: statuses[$0.source] ?? nil, recorded: records[$0.source]) })
        try await withThrowingTaskGroup(of: LaneOutcome.self) { lanesGroup in
            var borrowed = 0
            var failure: (any Error)?
            while let group = queue.next() {
                let left = queue.remaining
                if borrowed < Self.extraLanes, left.groups > 0, left.messages >= Self.messagesWorthALane, await lanes.take() {
                    borrowed += 1
                    lanesGroup.addTask { try await self.borrowedLane(queue, statuses: statuses, records: records, labels: labels, lanes: lanes) }
                }
                do {
                    try await copyFolders(group.mappings, statuses: statuses, records: records, labels: labels, src: src, dst: dst, tail: &tail,
                                          undelivered: &undelivered, unreadable: &unreadable, result: &result)
                } catch {
                    queue.stop()
                    failure = error
                    break
                }
            }
            while let ended = await lanesGroup.nextResult() {
                switch ended {
                case .success(let lane):
                    result.add(lane.result)
                    undelivered += lane.undelivered
                    unreadable += lane.unreadable
                case .failure(let error):
                    if failure == nil { failure = error }
                }
            }
            if let failure { throw failure }
        }
    }

    /// One borrowed lane: its own sessions, copying groups from `queue` until none is left.
    private func borrowedLane(_ queue: FolderQueue, statuses: [String: FolderStatus?], records: FolderRecords, labels: LabelPlan,
                              lanes: SpareLanes) async throws -> LaneOutcome {
        var loggedIn = false
        do {
            let outcome = try await source.withSessions(and: target, for: mailbox) { src, dst in
                loggedIn = true
                var outcome = LaneOutcome()
                var tail: FolderTail?
                do {
                    while let group = queue.next() {
                        try await copyFolders(group.mappings, statuses: statuses, records: records, labels: labels, src: src, dst: dst, tail: &tail,
                                              undelivered: &outcome.undelivered, unreadable: &outcome.unreadable, result: &outcome.result)
                    }
                } catch {
                    // What was appended stays copied; what the target changed of it is recorded if the target still answers.
                    queue.stop()
                    try? await tail?.finish(self, dst: dst)
                    throw error
                }
                do {
                    try await tail?.finish(self, dst: dst)
                } catch {
                    queue.stop()
                    throw error
                }
                return outcome
            }
            await lanes.giveBack()
            return outcome
        } catch where !loggedIn {
            // The server would not give one more session (a per-user connection limit): the other lanes
            // copy this lane's share, and the limiter has heard of any throttling.
            await lanes.giveBack()
            return LaneOutcome()
        } catch {
            await lanes.giveBack()
            throw error
        }
    }

    /// The messages STATUS shows still to copy in a folder: all of them in a folder not copied before,
    /// those beyond the recorded count in one copied before, none in one unchanged since.
    private func messagesToCopy(_ mapping: FolderMapping, status: FolderStatus?, recorded: FolderRecord?) -> Int {
        guard let status, let messages = status.messages else { return 0 }
        guard let recorded, recorded.uidValidity == status.uidValidity else { return messages }
        if recorded.isCurrent(with: status, for: settings) { return 0 }
        return max(0, messages - (recorded.messages ?? 0))
    }
}
