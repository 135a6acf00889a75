import MailMigCore
import MailMigPlanFile

/// Prints diagnostics as `file:line:col: error: message`, then a one-line verdict per file.
package struct DiagnosticPrinter {
    package let palette: Palette

    /// A printer in `palette`'s colours.
    package init(palette: Palette) { self.palette = palette }

    package func print(_ result: PlanLoader.Result, file: String, verdict: Bool = true) {
        for diagnostic in result.diagnostics {
            let label = diagnostic.severity == .error ? palette.red("error") : palette.yellow("warning")
            Swift.print("\(diagnostic.location): \(label): \(diagnostic.message)")
        }
        guard verdict else { return }
        let errors = result.errors.count
        let warnings = result.warnings.count
        if result.plan != nil {
            let note = warnings == 0 ? "" : " (\(warnings) \(warnings == 1 ? "warning" : "warnings"))"
            Swift.print("\(file): \(palette.green("valid"))\(note)")
        } else {
            Swift.print("\(file): \(errors) \(errors == 1 ? "error" : "errors"), \(warnings) \(warnings == 1 ? "warning" : "warnings")")
        }
    }

    /// JSON lines for the diagnostics and the verdict of one file.
    package static func jsonLines(_ result: PlanLoader.Result, file: String) -> [String] {
        result.diagnostics.map { diagnostic in
            JSONLine.encode(["type": "diagnostic", "severity": diagnostic.severity.rawValue, "file": diagnostic.location.file,
                             "line": diagnostic.location.line, "column": diagnostic.location.column, "message": diagnostic.message])
        } + [JSONLine.encode(["type": "validation", "file": file, "valid": result.plan != nil,
                              "errors": result.errors.count, "warnings": result.warnings.count])]
    }
}
