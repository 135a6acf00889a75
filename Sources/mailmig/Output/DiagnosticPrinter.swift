import MailMigCore

/// Prints diagnostics as `file:line:col: error: message`, then a one-line verdict per file.
struct DiagnosticPrinter {
    let style: OutputStyle

    func print(_ result: PlanLoader.Result, file: String) {
        for diagnostic in result.diagnostics {
            let label = diagnostic.severity == .error
                ? style.paint("error", "1;31") : style.paint("warning", "1;33")
            Swift.print("\(diagnostic.location): \(label): \(diagnostic.message)")
        }
        let errors = result.errors.count
        let warnings = result.warnings.count
        if result.plan != nil {
            let note = warnings == 0 ? "" : " (\(warnings) \(warnings == 1 ? "warning" : "warnings"))"
            Swift.print("\(file): \(style.paint("valid", "32"))\(note)")
        } else {
            Swift.print("\(file): \(errors) \(errors == 1 ? "error" : "errors"), \(warnings) \(warnings == 1 ? "warning" : "warnings")")
        }
    }
}
