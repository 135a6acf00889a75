/// Runs work over many items with at most `limit` at a time, keeping results in the items' order.
///
/// Planning, verifying and discovering look at many mailboxes, each worth its own connections; the
/// limit keeps the number of connections opened at once within what the servers allow.
public enum BoundedConcurrency {
    /// `body` applied to each item, at most `limit` concurrently; the first error cancels the rest and is thrown.
    public static func map<Item: Sendable, Result: Sendable>(_ items: [Item], limit: Int,
                                                      _ body: @escaping @Sendable (Item) async throws -> Result) async throws -> [Result] {
        var results = [Result?](repeating: nil, count: items.count)
        try await withThrowingTaskGroup(of: (Int, Result).self) { group in
            var next = 0
            func launch() {
                guard next < items.count else { return }
                let index = next
                let item = items[index]
                group.addTask { (index, try await body(item)) }
                next += 1
            }
            for _ in 0..<max(1, limit) { launch() }
            while let (index, result) = try await group.next() {
                results[index] = result
                launch()
            }
        }
        return results.compactMap { $0 }
    }
}
