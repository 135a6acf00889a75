import ArgumentParser
import Foundation
import MailMigCore
import MailMigPlanFile

/// The plan file argument and loading it with its diagnostics printed.
package struct PlanFileOptions: ParsableArguments {
    /// Options with their defaults, for ArgumentParser.
    package init() {}

    @Argument(help: "The plan file.", completion: .file(extensions: ["yaml", "yml"]))
    package var plan: String = PlanLoader.defaultFileName

    /// Loads and checks the plan; prints errors and warnings, exits 1 on errors.
    package func loadWorkspace(palette: Palette, printWarnings: Bool = true) throws -> Workspace {
        try WorkspaceLoader.loadWorkspace(path: plan, palette: palette, printWarnings: printWarnings)
    }
}

/// Helpers shared by the commands.
package enum WorkspaceLoader {
    /// Loads and checks a plan file; prints errors and warnings, exits 1 on errors.
    package static func loadWorkspace(path plan: String, palette: Palette, printWarnings: Bool) throws -> Workspace {
        let adapters = AdapterRegistry.standard
        let result = PlanLoader.load(path: plan, dnsKinds: adapters.dns)
        let printer = DiagnosticPrinter(palette: palette)
        guard let loaded = result.plan else {
            printer.print(result, file: plan)
            throw ExitCode(1)
        }
        if printWarnings, !result.warnings.isEmpty { printer.print(result, file: plan, verdict: false) }
        return Workspace(plan: loaded, planPath: plan, planBytes: result.bytes,
                         stateBackend: try AdapterRegistry.stateBackend(for: loaded, at: plan), adapters: adapters)
    }
}

/// `--lock-timeout`.
package struct LockOptions: ParsableArguments {
    /// Options with their defaults, for ArgumentParser.
    package init() {}

    @Option(name: .customLong("lock-timeout"), help: "Seconds to wait for another mailmig to release the state lock; 0 fails at once.")
    package var lockTimeout: Int = 0
}

/// `--target` and `--exclude`.
package struct FilterOptions: ParsableArguments {
    /// Options with their defaults, for ArgumentParser.
    package init() {}

    @Option(name: .customLong("target"), help: "Only change this resource address or prefix (repeatable), e.g. domain.acme.test.")
    package var targets: [String] = []

    @Option(name: .customLong("exclude"), help: "Leave this resource address or prefix alone (repeatable).")
    package var excludes: [String] = []

    package var filter: ResourceFilter { ResourceFilter(targets: targets, excludes: excludes) }
}

/// Turns any error into one clear sentence on standard error and exit code 1.
package func failing<T>(_ body: () async throws -> T) async throws -> T {
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
