import ArgumentParser
import Foundation
import MailMigCore

/// `--no-color`, shared by every command that prints for people.
struct OutputStyleOptions: ParsableArguments {
    @Flag(name: .customLong("no-color"), help: "Never use colour (it is used only on a terminal anyway).")
    var noColor = false

    /// Colour only on a terminal, never with --no-color or NO_COLOR set.
    func resolve() -> Palette {
        let environment = ProcessInfo.processInfo.environment
        let wanted = !noColor && environment["NO_COLOR"] == nil && environment["TERM"] != "dumb"
        return Palette(enabled: wanted && isatty(STDOUT_FILENO) == 1)
    }
}

/// Writes a line to standard error.
func printError(_ message: String) {
    FileHandle.standardError.write(Data((message + "\n").utf8))
}
