import Foundation

/// How many mailboxes of a batch may fail before the batch starts no new one (`batches[].error_budget`).
///
/// Written as a count (`2`) or as a share of the batch's mailboxes (`10%`, rounded down). A budget of
/// `n` lets `n` mailboxes fail; the failure after that spends it. Saved as a number or as the text `10%`.
public enum ErrorBudget: Sendable, Hashable, Codable, CustomStringConvertible {
    /// At most this many failed mailboxes.
    case mailboxes(Int)
    /// At most this percentage (0–100) of the batch's mailboxes, rounded down.
    case percent(Int)

    /// The failed mailboxes a batch of `members` mailboxes may have.
    public func allowedFailures(members: Int) -> Int {
        switch self {
        case .mailboxes(let count): return count
        case .percent(let percent): return members * percent / 100
        }
    }

    /// As the plan wrote it: `2` or `10%`.
    public var description: String {
        switch self {
        case .mailboxes(let count): return "\(count)"
        case .percent(let percent): return "\(percent)%"
        }
    }

    /// Reads `10%` as a percentage and a whole number as a count.
    public init?(text: String) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed.hasSuffix("%") {
            guard let percent = Int(trimmed.dropLast().trimmingCharacters(in: .whitespaces)), (0...100).contains(percent) else { return nil }
            self = .percent(percent)
        } else {
            guard let count = Int(trimmed), count >= 0 else { return nil }
            self = .mailboxes(count)
        }
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let count = try? container.decode(Int.self) {
            self = .mailboxes(count)
            return
        }
        let text = try container.decode(String.self)
        guard let budget = ErrorBudget(text: text) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "an error budget is a count or a percentage, found '\(text)'")
        }
        self = budget
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .mailboxes(let count): try container.encode(count)
        case .percent: try container.encode(description)
        }
    }
}
