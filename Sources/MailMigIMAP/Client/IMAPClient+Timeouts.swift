import NIOCore

/// The read timeout: a command that waits too long without any response fails the connection.
extension IMAPClient {
    func startWatchdog() {
        let interval = max(0.05, min(1.0, configuration.readTimeout / 4))
        Task { [weak self] in
            while true {
                try? await Task.sleep(nanoseconds: UInt64(interval * 1_000_000_000))
                guard let self, await self.checkTimeout() else { return }
            }
        }
    }

    /// Fails the connection when a command waits longer than the read timeout; false once closed.
    func checkTimeout() async -> Bool {
        guard failure == nil else { return false }
        let waiting = !pending.isEmpty || greeting != nil
        guard waiting, !readerWaitsForConsumer else { return true }
        let limit = TimeAmount.nanoseconds(Int64(configuration.readTimeout * 1_000_000_000))
        guard NIODeadline.now() - lastActivity > limit else { return true }
        let operation = pending.first?.name ?? "the greeting"
        await fail(with: .timeout(server: server, operation: operation, seconds: configuration.readTimeout))
        channel.close(promise: nil)
        return false
    }
}
