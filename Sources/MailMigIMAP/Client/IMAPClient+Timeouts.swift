import NIOCore

/// The two bounds on waiting: no byte at all for the read timeout, and a deadline for each command's
/// tagged completion that only message data moves (untagged chatter such as `* OK still here` does not).
extension IMAPClient {
    /// Seconds between two looks at the clocks.
    var watchdogInterval: Double { max(0.05, min(1.0, configuration.readTimeout / 4)) }

    func startWatchdog() {
        let interval = watchdogInterval
        lastWatchdogLook = .now()
        Task { [weak self] in
            while true {
                try? await Task.sleep(nanoseconds: UInt64(interval * 1_000_000_000))
                guard let self, await self.checkTimeout() else { return }
            }
        }
    }

    /// Fails the connection when a waiting command or greeting ran out of time; false once closed.
    func checkTimeout() async -> Bool {
        guard failure == nil else { return false }
        excuseStall()
        creditMessageData()
        let waiting = !pending.isEmpty || greeting != nil
        guard waiting, !readerWaitsForConsumer else { return true }
        let now = NIODeadline.now()
        let silentSince = max(lastActivity, shared.counter.lastByte)
        if now - silentSince > Self.seconds(configuration.readTimeout) {
            let operation = pending.first?.name ?? IMAPError.greeting
            await giveUp(.timeout(server: server, operation: operation, seconds: configuration.readTimeout))
            return false
        }
        if greeting != nil, now > greetingDeadline {
            await giveUp(.noCompletion(server: server, command: IMAPError.greeting, seconds: configuration.readTimeout,
                                       reason: "the server sent other responses instead"))
            return false
        }
        guard let late = pending.first(where: { now > $0.deadline }) else { return true }
        // Nothing at all came since it was sent: that is the read timeout's case, and its sentence.
        guard shared.counter.lastByte >= late.clockStarted else { return true }
        let seconds = Double((late.deadline - late.clockStarted).nanoseconds) / 1_000_000_000
        let moved = shared.counter.literalBytes - late.literalBytesAtStart
        let reason = moved == 0
            ? "the server kept sending untagged responses only"
            : "message data arrived slower than \(configuration.minimumTransferRate) bytes per second"
        await giveUp(.noCompletion(server: server, command: late.name, seconds: (seconds * 10).rounded() / 10, reason: reason))
        return false
    }

    /// A look that comes far later than its interval means this process did not run (a machine under
    /// load, a suspended laptop): the time it lost is not the server's, so every clock moves on by it.
    func excuseStall() {
        let now = NIODeadline.now()
        let lost = now - lastWatchdogLook - Self.seconds(watchdogInterval)
        lastWatchdogLook = now
        guard lost > Self.seconds(max(0.25, watchdogInterval)) else { return }
        extendDeadlines(by: lost)
        greetingDeadline = greetingDeadline == .distantFuture ? greetingDeadline : greetingDeadline + lost
        lastActivity = min(now, lastActivity + lost)
    }

    /// Message bytes that arrived since the last look move every waiting command's deadline by the
    /// time they are worth at the minimum rate: a long FETCH that keeps delivering is not cut short.
    func creditMessageData() {
        let total = shared.counter.literalBytes
        let fresh = total - literalBytesCredited
        literalBytesCredited = total
        guard fresh > 0 else { return }
        extendDeadlines(by: Self.seconds(Double(fresh) / Double(configuration.minimumTransferRate)))
    }

    /// Moves every waiting command's deadline later (message data arrived, or the client itself kept
    /// the server waiting while a consumer was behind).
    func extendDeadlines(by amount: TimeAmount) {
        for entry in pending where entry.deadline != .distantFuture { entry.deadline = entry.deadline + amount }
    }

    private func giveUp(_ reason: IMAPError) async {
        await fail(with: reason)
        channel.close(promise: nil)
    }
}
