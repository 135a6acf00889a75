/// One finding about a plan file: an error that stops the plan from being used, or a warning.
public struct Diagnostic: Sendable, Hashable, Codable, CustomStringConvertible {
    /// How serious a finding is.
    public enum Severity: String, Sendable, Hashable, Codable {
        case error
        case warning
    }

    /// Error or warning.
    public var severity: Severity
    /// Where in the file the finding is.
    public var location: SourceLocation
    /// One sentence: what is wrong and, where it helps, what was expected.
    public var message: String

    /// Creates a diagnostic.
    public init(_ severity: Severity, at location: SourceLocation, _ message: String) {
        self.severity = severity
        self.location = location
        self.message = message
    }

    /// `file:line:col: error: message`, as compilers print it.
    public var description: String { "\(location): \(severity.rawValue): \(message)" }
}

/// Collects diagnostics while a plan is read, so that every mistake is reported in one run.
public struct DiagnosticBag: Sendable {
    /// The findings so far, in the order they were reported.
    public private(set) var items: [Diagnostic] = []

    /// An empty bag.
    public init() {}

    /// Whether at least one error was collected.
    public var hasErrors: Bool { items.contains { $0.severity == .error } }

    /// Records an error at `location`.
    public mutating func error(_ location: SourceLocation, _ message: String) {
        items.append(Diagnostic(.error, at: location, message))
    }

    /// Records a warning at `location`.
    public mutating func warning(_ location: SourceLocation, _ message: String) {
        items.append(Diagnostic(.warning, at: location, message))
    }

    /// Records findings made elsewhere (by an adapter reading its settings), in their order.
    public mutating func append(contentsOf findings: [Diagnostic]) {
        items.append(contentsOf: findings)
    }
}
