import ArgumentParser
import Foundation
import MailMigCore

/// The plan file argument and loading it with its diagnostics printed.
struct PlanFileOptions: ParsableArguments {
    @Argument(help: "The plan file.", completion: .file(extensions: ["yaml", "yml"]))
    var plan: String = PlanLoader.defaultFileName

    /// Loads and checks the plan; prints errors and warnings, exits 1 on errors.
    func loadWorkspace(palette: Palette, printWarnings: Bool = true) throws -> Workspace {
        try MailMigCLI.loadWorkspace(path: plan, palette: palette, printWarnings: printWarnings)
    }
}

/// Helpers shared by the commands.
enum MailMigCLI {
    /// Loads and checks a plan file; prints errors and warnings, exits 1 on errors.
    static func loadWorkspace(path plan: String, palette: Palette, printWarnings: Bool) throws -> Workspace {
        let result = PlanLoader.load(path: plan)
        let printer = DiagnosticPrinter(palette: palette)
        guard let loaded = result.plan else {
            printer.print(result, file: plan)
            throw ExitCode(1)
        }
        if printWarnings, !result.warnings.isEmpty { printer.print(result, file: plan, verdict: false) }
        return Workspace(plan: loaded, planPath: plan, planBytes: result.bytes, stateBackend: AdapterRegistry.stateBackend(forPlanAt: plan),
                         adapters: .standard)
    }
}

/// `--lock-timeout`.
struct LockOptions: ParsableArguments {
    @Option(name: .customLong("lock-timeout"), help: "Seconds to wait for another mailmig to release the state lock; 0 fails at once.")
    var lockTimeout: Int = 0
}

/// `--target` and `--exclude`.
struct FilterOptions: ParsableArguments {
    @Option(name: .customLong("target"), help: "Only change this resource address or prefix (repeatable), e.g. domain.acme.test.")
    var targets: [String] = []

    @Option(name: .customLong("exclude"), help: "Leave this resource address or prefix alone (repeatable).")
    var excludes: [String] = []

    var filter: ResourceFilter { ResourceFilter(targets: targets, excludes: excludes) }
}

/// Turns any error into one clear sentence on standard error and exit code 1.
func failing<T>(_ body: () async throws -> T) async throws -> T {
    do {
        return try await body()
    } catch let exit as ExitCode {
        throw exit
    } catch let error as ValidationError {
        throw error
    } catch {
        printError("Error: \(error)")
        throw ExitCode(1)
    }
}
