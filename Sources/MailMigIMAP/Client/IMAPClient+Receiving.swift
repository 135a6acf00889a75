import NIOCore
import NIOSSL
import MailMigSpool
import MailMigTLS

/// Reading responses: crediting them to commands, keeping session state, failing on connection loss.
extension IMAPClient {
    /// Handles one response of `size` bytes.
    func receive(_ response: IMAPResponse, size: Int = 0) async {
        switch response {
        case .continuation(let text):
            if let waiter = continuationWaiter {
                continuationWaiter = nil
                waiter.resume(returning: text)
            } else {
                logger.debug("unexpected continuation request", metadata: ["server": "\(server)"])
            }
        case .tagged(let tag, let line):
            if case .capability(let caps)? = line.code { setCapabilities(caps) }
            guard let index = pending.firstIndex(where: { $0.tag == tag }) else {
                logger.debug("response for unknown tag", metadata: ["server": "\(server)", "tag": "\(tag)"])
                return
            }
            let entry = pending.remove(at: index)
            updateBodyLimit()
            // The next command's turn starts now: the server had to finish this one first.
            if index == 0, let head = pending.first { head.startClock(literalBytes: shared.counter.literalBytes) }
            if let queue = entry.fetchQueue {
                switch line.status {
                case .ok: await queue.finish()
                case .bad:
                    await queue.finish(throwing: IMAPError.bad(server: server, command: entry.name, text: line.text, code: line.code))
                default:
                    await queue.finish(throwing: IMAPError.no(server: server, command: entry.name, text: line.text, code: line.code))
                }
            }
            logger.trace("command completed", metadata: [
                "server": "\(server)", "connection": "\(connection)", "tag": "\(tag)", "status": "\(line.status.rawValue)",
                "ms": "\(Double((NIODeadline.now() - entry.sentAt).nanoseconds / 10_000) / 100)"])
            entry.complete(.success(CommandResult(line: line, untagged: entry.untagged)))
            if continuationOwner === entry, let waiter = continuationWaiter {
                continuationWaiter = nil
                waiter.resume(throwing: CommandCompletedEarly())
            }
        case .untagged(let data):
            await receiveUntagged(data, size: size)
        case .unparsable(let text, let reason):
            logger.warning("unparsable response", metadata: ["server": "\(server)", "reason": "\(reason)", "line": "\(text)"])
            if let head = pending.first, let queue = head.fetchQueue, text.uppercased().contains(" FETCH ") {
                await queue.finish(throwing: IMAPError.protocolViolation(server: server, detail: "\(reason) in \"\(text)\""))
            }
        }
    }

    func receiveUntagged(_ data: UntaggedResponse, size: Int) async {
        if receivedGreeting == nil, pending.isEmpty, case .condition(let line) = data {
            receivedGreeting = line
            greeting?.resume(returning: line)
            greeting = nil
            return
        }
        updateState(with: data)
        if case .esearch(let response) = data, let tag = response.tag,
           let owner = pending.first(where: { $0.tag == tag }) {
            await keep(data, size: size, for: owner)
            return
        }
        if case .fetch(let fetch) = data, let uid = fetch.uid,
           let owner = pending.first(where: { $0.fetchQueue != nil && $0.kind.covers(uid) }),
           let queue = owner.fetchQueue {
            // Servers may split one message's items over several FETCH responses; results are
            // assembled per UID (newer items win) and handed over once complete. Flag updates for a message already
            // delivered (from STORE or other sessions) never complete and are dropped at the end.
            var merged = fetch
            var mergedSize = size
            if let earlier = owner.partialFetches.removeValue(forKey: uid) {
                merged.merge(earlier.response)
                mergedSize += earlier.size
                owner.heldBytes -= earlier.size
            }
            guard owner.kind.accepts(.fetch(merged)) else {
                owner.partialFetches[uid] = (merged, mergedSize)
                owner.heldBytes += mergedSize
                await checkHeldBytes(of: owner)
                return
            }
            readerWaitsForConsumer = true
            let paused = NIODeadline.now()
            await queue.send(merged)
            readerWaitsForConsumer = false
            lastActivity = .now()
            // The server waited for the consumer, not the other way round: that time is not its own.
            extendDeadlines(by: lastActivity - paused)
            // A result is progress like message data (its literals were credited as they arrived): a
            // metadata FETCH of a large folder moves no literal, only results.
            let literalBytes = fetch.sections.values.reduce(0) { $0 + $1.count }
            owner.deadline = owner.deadline + Self.seconds(Double(max(0, size - literalBytes)) / Double(configuration.minimumTransferRate))
            return
        }
        guard let owner = pending.first(where: { $0.kind.accepts(data) }) else { return }
        await keep(data, size: size, for: owner)
    }

    /// Keeps untagged data for the command it answers, within the same bound as one response: a
    /// server that answers a LIST or SEARCH with endless lines fails the connection instead of
    /// growing it.
    private func keep(_ data: UntaggedResponse, size: Int, for owner: PendingCommand) async {
        owner.untagged.append(data)
        owner.heldBytes += size
        await checkHeldBytes(of: owner)
    }

    private func checkHeldBytes(of owner: PendingCommand) async {
        let limit = shared.bodyLimit.responseLimit(cap: configuration.maximumResponseSize)
        guard owner.heldBytes > limit else { return }
        await fail(with: .protocolViolation(
            server: server, detail: "the responses to \(owner.name) exceeded \(limit) bytes (maximumResponseSize), so the connection was closed instead of keeping more"))
        channel.close(promise: nil)
    }

    func updateState(with data: UntaggedResponse) {
        switch data {
        case .capability(let caps):
            setCapabilities(caps)
        case .enabled(let names):
            enabled.formUnion(names.map { $0.uppercased() })
        case .exists(let count):
            selected?.exists = count
        case .expunge:
            if let count = selected?.exists, count > 0 { selected?.exists = count - 1 }
        case .condition(let line):
            if line.status == .bye { byeText = line.text }
            switch line.code {
            case .uidNext(let value)?: selected?.uidNext = value
            case .highestModSeq(let value)?: selected?.highestModSeq = value
            case .capability(let caps)?: setCapabilities(caps)
            default: break
            }
        case .fetch(let fetch):
            if let modSeq = fetch.modSeq, let highest = selected?.highestModSeq, modSeq > highest {
                selected?.highestModSeq = modSeq
            }
        default:
            break
        }
    }

    func setCapabilities(_ caps: [String]) {
        capabilities = Set(caps.map { $0.uppercased() })
    }

    func connectionEnded(error: (any Error)?) async {
        let reason: IMAPError
        if let error {
            reason = Self.classify(error, server: server)
        } else if let byeText {
            reason = .bye(server: server, text: byeText)
        } else {
            reason = .connectionLost(server: server, detail: "the server closed the connection")
        }
        await fail(with: reason)
    }

    func fail(with reason: IMAPError) async {
        if failure == nil { failure = reason }
        shared.outbound.release()
        let waiting = pending
        pending.removeAll()
        updateBodyLimit()
        for entry in waiting {
            await entry.fetchQueue?.finish(throwing: reason)
            entry.complete(.failure(reason))
        }
        greeting?.resume(throwing: reason)
        greeting = nil
        continuationWaiter?.resume(throwing: reason)
        continuationWaiter = nil
        let waiters = writerWaiters
        writerWaiters.removeAll()
        waiters.forEach { $0.resume() }
    }

    static func classify(_ error: any Error, server: String) -> IMAPError {
        if let imap = error as? IMAPError { return imap }
        if let reason = TLSFailure.reason(of: error) { return .tls(server: server, subject: nil, reason: reason) }
        if let ssl = error as? BoringSSLError { return .tls(server: server, subject: nil, reason: "\(ssl)") }
        if let framing = error as? IMAPFramingError { return .protocolViolation(server: server, detail: framing.description) }
        if let spool = error as? SpoolError { return .localStorage(server: server, detail: spool.description) }
        return .connectionLost(server: server, detail: TLSFailure.connectionDetail(of: error))
    }
}
