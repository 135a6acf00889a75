import ArgumentParser
import Foundation

/// Whether output may use colour.
struct OutputStyle {
    var color: Bool

    func paint(_ text: String, _ code: String) -> String {
        color ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text
    }
}

/// `--no-color`, shared by every command that prints for people.
struct OutputStyleOptions: ParsableArguments {
    @Flag(name: .customLong("no-color"), help: "Never use colour (it is used only on a terminal anyway).")
    var noColor = false

    /// Colour only on a terminal, never with --no-color or NO_COLOR set.
    func resolve() -> OutputStyle {
        let environment = ProcessInfo.processInfo.environment
        let wanted = !noColor && environment["NO_COLOR"] == nil && environment["TERM"] != "dumb"
        return OutputStyle(color: wanted && isatty(STDOUT_FILENO) == 1)
    }
}
