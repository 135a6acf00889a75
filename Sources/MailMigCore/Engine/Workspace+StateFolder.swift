import Foundation

extension Workspace {
    /// The state folder of a plan: `.mailmig/` next to the plan file.
    ///
    /// A rule of the workspace, not of a storage: the starter plan's ignore line names the same folder,
    /// and any file-based backend keeps its files there; so it lives in the core, not in an adapter.
    public static func stateFolder(forPlanAt planPath: String) -> URL {
        URL(fileURLWithPath: planPath).deletingLastPathComponent().appendingPathComponent(".mailmig")
    }
}
