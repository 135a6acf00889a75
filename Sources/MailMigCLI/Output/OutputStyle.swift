import ArgumentParser
import Foundation
import MailMigCore

/// `--no-color`, shared by every command that prints for people.
package struct OutputStyleOptions: ParsableArguments {
    /// Options with their defaults, for ArgumentParser.
    package init() {}

    @Flag(name: .customLong("no-color"), help: "Never use colour (it is used only on a terminal anyway).")
    package var noColor = false

    /// Colour only on a terminal, never with --no-color or NO_COLOR set.
    package func resolve() -> Palette {
        let environment = ProcessInfo.processInfo.environment
        let wanted = !noColor && environment["NO_COLOR"] == nil && environment["TERM"] != "dumb"
        return Palette(enabled: wanted && isatty(STDOUT_FILENO) == 1)
    }
}

/// Writes a line to standard error.
package func printError(_ message: String) {
    FileHandle.standardError.write(Data((SecretRedaction.redact(message) + "\n").utf8))
}
