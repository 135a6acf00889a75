import ArgumentParser
import Foundation
import MailMigCLI
import MailMigCore
import MailMigPlanFile

extension MailMig {
    /// `mailmig state …`: inspect and repair the recorded state.
    struct StateCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "state",
            abstract: "Inspect or repair the recorded state (.mailmig/state.sqlite next to the plan, or the plan's state: postgres database).",
            subcommands: [List.self, Show.self, Remove.self, History.self, Push.self, Pull.self]
        )

        /// Where the state is, for subcommands whose arguments are resource addresses: `--plan FILE`.
        struct Location: ParsableArguments {
            @Option(name: .customLong("plan"), help: "The plan file whose state to use.")
            var plan: String = PlanLoader.defaultFileName

            /// The plan's state backend, as the plan's `state:` says.
            func backend() throws -> any StateBackend { try StateCommand.backend(plan: plan) }

            func open() throws -> StateStore { try StateCommand.open(plan: plan) }

            /// Refuses a plan file given where a resource address belongs (`state show plan.yaml ADDRESS`).
            static func refusePlanFile(among addresses: [String]) throws {
                guard let file = addresses.first(where: { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }) else { return }
                throw ValidationError("'\(file)' looks like a plan file, but this argument is a resource address; name the plan with --plan \(file)")
            }
        }

        /// Where the state is, for subcommands without other arguments: the plan file as the argument,
        /// as `plan` and `apply` take it, or `--plan FILE`, as the other `state` subcommands do.
        struct PlanArgument: ParsableArguments {
            @Argument(help: "The plan file whose state to use.", completion: .file(extensions: ["yaml", "yml"]))
            var file: String?
            @Option(name: .customLong("plan"), help: "The same, as the other state subcommands take it.")
            var plan: String?

            var path: String { file ?? plan ?? PlanLoader.defaultFileName }

            func validate() throws {
                if let file, let plan, file != plan { throw ValidationError("name the plan file once: \(file) or --plan \(plan)") }
            }
        }

        /// The plan's state backend, as the plan's `state:` says.
        static func backend(plan: String) throws -> any StateBackend {
            try WorkspaceLoader.loadWorkspace(path: plan, palette: Palette(enabled: false), printWarnings: false).stateBackend
        }

        /// The plan's state; refuses when there is none yet.
        static func open(plan: String) throws -> StateStore {
            let backend = try backend(plan: plan)
            guard let store = try backend.openIfPresent() else {
                throw ValidationError("there is no state at \(backend.location) yet; it is created by the first plan or apply")
            }
            return store
        }

        /// Moves the state one way and says how many rows of each table moved.
        static func move(_ direction: StateMove.Direction, plan: String, lockTimeout: Int) async throws {
            try await failing {
                let workspace = try WorkspaceLoader.loadWorkspace(path: plan, palette: Palette(enabled: false), printWarnings: false)
                let moved = try StateMove.run(direction, workspace: workspace, lockTimeout: lockTimeout)
                let rows = moved.tables.filter { $0.rows > 0 }.map { "\($0.table) \($0.rows)" }.joined(separator: ", ")
                print("Copied the state from \(moved.from) to \(moved.to): \(rows).")
                if direction == .push {
                    print("The plan now uses the PostgreSQL state; keep or remove .mailmig/ (mailmig no longer reads it).")
                } else {
                    print("To use the local copy, set state: local in the plan (or remove state:).")
                }
            }
        }

        struct List: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "List every resource with its kind and the serial that last changed it.")
            @OptionGroup var location: PlanArgument

            func run() async throws {
                try await failing {
                    let store = try StateCommand.open(plan: location.path)
                    let meta = try store.meta()
                    print("lineage \(meta.lineage), serial \(meta.serial)")
                    for record in try store.resources() { print("\(record.address)\t\(record.kind)\tserial \(record.serial)") }
                }
            }
        }

        struct Show: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Print one resource's recorded attributes as JSON.")
            @OptionGroup var location: Location
            @Argument(help: "The resource address, e.g. domain.acme.test/dns/@/MX.") var address: String

            func validate() throws { try Location.refusePlanFile(among: [address]) }

            func run() async throws {
                try await failing {
                    guard let record = try location.open().resource(address) else { throw StateError.noSuchResource(address) }
                    let object = try JSONSerialization.jsonObject(with: record.attributes)
                    let data = try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
                    print("\(record.address) (\(record.kind), serial \(record.serial))")
                    print(String(decoding: data, as: UTF8.self))
                }
            }
        }

        struct Remove: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "rm",
                abstract: "Forget resources without touching the systems (mailmig stops managing them).")
            @OptionGroup var location: Location
            @OptionGroup var lock: LockOptions
            @Argument(help: "Resource addresses.") var addresses: [String]

            func validate() throws { try Location.refusePlanFile(among: addresses) }

            func run() async throws {
                try await failing {
                    _ = try location.open()
                    let backend = try location.backend()
                    let held = try backend.lock(operation: "state rm", timeout: lock.lockTimeout)
                    defer { held.release() }
                    // Under the lock: the one opening that may bring an older schema up to date.
                    let store = try backend.open()
                    for address in addresses where try store.resource(address) == nil { throw StateError.noSuchResource(address) }
                    let serial = try store.commit(addresses.map { .remove(address: $0) })
                    print("Removed \(addresses.count) resource\(addresses.count == 1 ? "" : "s") from the state (serial \(serial)).")
                }
            }
        }

        struct History: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Show the audit trail of changes, newest first, with their serials.")
            @OptionGroup var location: Location
            @Argument(help: "Only this resource.") var address: String?

            func validate() throws { try Location.refusePlanFile(among: address.map { [$0] } ?? []) }

            func run() async throws {
                try await failing {
                    for entry in try location.open().history(address: address) {
                        print("serial \(entry.serial)\t\(Formatting.timestamp(entry.at))\t\(entry.action)\t\(entry.address)")
                    }
                }
            }
        }
    }

    /// `mailmig state push` and `mailmig state pull`.
    struct Push: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Copy the local state (.mailmig/ next to the plan) into the plan's state: postgres, which must be empty.")
        @OptionGroup var location: StateCommand.PlanArgument
        @OptionGroup var lock: LockOptions

        func run() async throws { try await StateCommand.move(.push, plan: location.path, lockTimeout: lock.lockTimeout) }
    }

    struct Pull: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Copy the plan's state: postgres into the local state (.mailmig/ next to the plan), which must be empty.")
        @OptionGroup var location: StateCommand.PlanArgument
        @OptionGroup var lock: LockOptions

        func run() async throws { try await StateCommand.move(.pull, plan: location.path, lockTimeout: lock.lockTimeout) }
    }

    /// `mailmig force-unlock ID [FILE]`.
    struct ForceUnlock: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "force-unlock",
            abstract: "Clear a leftover state lock record; refused while a running process still holds the lock.",
            usage: "mailmig force-unlock <id> [<file>]")
        @Argument(help: "The lock id printed by the 'state is locked' error.") var id: String
        @Argument(help: "The plan file whose state to unlock (default: mailmig.yaml; --plan says the same).",
                  completion: .file(extensions: ["yaml", "yml"]))
        var file: String?
        @Option(name: .customLong("plan"), help: "The plan file whose state to unlock.")
        var plan: String?

        func validate() throws {
            if let file, let plan, file != plan { throw ValidationError("give the plan file once: as an argument or with --plan") }
        }

        func run() async throws {
            try await failing {
                let plan = file ?? plan ?? PlanLoader.defaultFileName
                try WorkspaceLoader.loadWorkspace(path: plan, palette: Palette(enabled: false), printWarnings: false)
                    .stateBackend.forceUnlock(id: id)
                print("Unlocked: the lock record \(id) was cleared.")
            }
        }
    }
}
