import MailMigCore
/// ANSI colours for human output, or none; the CLI decides (terminal, `--no-color`, `NO_COLOR`).
public struct Palette: Sendable {
    /// Whether to emit escape codes.
    public var enabled: Bool

    /// Creates a palette.
    public init(enabled: Bool) { self.enabled = enabled }

    /// `text` in the SGR colour `code`, when enabled.
    public func paint(_ text: String, _ code: String) -> String { enabled ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text }
    /// Success.
    public func green(_ text: String) -> String { paint(text, "32") }
    /// Attention.
    public func yellow(_ text: String) -> String { paint(text, "33") }
    /// Failure.
    public func red(_ text: String) -> String { paint(text, "31") }
    /// Emphasis.
    public func bold(_ text: String) -> String { paint(text, "1") }
    /// Background detail.
    public func dim(_ text: String) -> String { paint(text, "2") }

    /// The coloured symbol of an action.
    public func symbol(_ action: ChangeAction) -> String {
        switch action {
        case .create: return green(action.symbol)
        case .update: return yellow(action.symbol)
        case .delete: return red(action.symbol)
        case .copy: return paint(action.symbol, "36")
        }
    }
}
