extension Workspace {
    /// Nothing has been applied for the plan yet, so there is no state to report on.
    public struct NoState: Error, CustomStringConvertible {
        /// Where the state would be.
        public var location: String
        /// The plan file.
        public var plan: String

        /// One sentence for the user.
        public var description: String { "there is no state at \(location) yet: nothing has been applied for \(plan); run `mailmig apply` first" }
    }

    /// The plan's state for reading (`status`, `report`): never creates one; `NoState` when there is none yet.
    public func existingState() throws -> StateStore {
        guard let store = try stateBackend.openIfPresent() else { throw NoState(location: stateBackend.location, plan: planPath) }
        return store
    }
}
