import Foundation

extension URL {
    /// A path written in a plan, resolved against this folder (the plan's): absolute paths stay as they are.
    public func resolvingPlanPath(_ path: String) -> URL {
        path.hasPrefix("/") ? URL(fileURLWithPath: path) : appendingPathComponent(path)
    }
}
