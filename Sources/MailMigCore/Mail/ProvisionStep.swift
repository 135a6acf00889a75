import Foundation

/// The step kind that creates a missing target mailbox with the plan's command.
public enum ProvisionStep: StepKind {
    public static let name = "provision"

    public static func perform(_ work: ProvisionWork, step: PlannedStep, in context: StepContext) async throws -> StepResult {
        let steps = MailSteps(context: try context.mailContext(), store: context.store, faults: context.faults, progress: context.mailProgress,
                              lease: context.lease)
        return StepResult(changes: try await steps.provision(work))
    }

    /// Whether the command ran cannot be known; the next plan checks whether the mailbox exists.
    public static func recover(_ work: ProvisionWork, step: PlannedStep, in context: StepContext) async throws -> StepRecovery {
        .failed(error: "interrupted; the next plan checks whether the mailbox exists",
                note: "recovered \(step.address): the interrupted creation is checked again by the next plan")
    }

    public static func detail(_ work: ProvisionWork) -> [String] { ["run: " + work.command.joined(separator: " ")] }

    public static func beforeAfter(_ work: ProvisionWork) -> (before: String, after: String) { ("no mailbox", work.target) }

    public static func mailbox(_ work: ProvisionWork) -> String? { work.source }

    public static func jsonFields(_ work: ProvisionWork) -> [String: any Sendable] { ["mailbox": work.target] }
}

extension StepWork {
    /// Create a missing target mailbox with the plan's provisioning command.
    public static func provision(_ work: ProvisionWork) -> StepWork { StepWork(ProvisionStep.self, work) }
}

/// Creating a target mailbox by running `target.provision.create`.
public struct ProvisionWork: Sendable, Equatable, Codable {
    /// The source address of the mailbox.
    public var source: String
    /// The target address to create.
    public var target: String
    /// The command with its placeholders filled in, as a list of words (never through a shell).
    public var command: [String]
}
