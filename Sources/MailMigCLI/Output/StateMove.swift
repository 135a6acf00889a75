import Foundation
import MailMigCore
import MailMigStateSQLite

/// `mailmig state push|pull`: moves a plan's state between `.mailmig/` next to the plan and the
/// shared state its `state:` names, under the lock of both.
package enum StateMove {
    /// Which way the state moves.
    package enum Direction: Sendable {
        /// From `.mailmig/` into the plan's shared state.
        case push
        /// From the plan's shared state into `.mailmig/`.
        case pull
    }

    /// Moves the state; returns where from and to, and the rows per table. The destination must be empty.
    package static func run(_ direction: Direction, workspace: Workspace, lockTimeout: Int) throws
        -> (from: String, to: String, tables: [(table: String, rows: Int)]) {
        guard workspace.plan.state.isShared else {
            throw StateTransferError.unsupported("\(workspace.stateBackend.location): push and pull move a state between .mailmig/ and the plan's state: postgres, and this plan's state is local")
        }
        let local = SQLiteStateBackend(folder: Workspace.stateFolder(forPlanAt: workspace.planPath))
        let shared = workspace.stateBackend
        let (from, to): (any StateBackend, any StateBackend) = direction == .push ? (local, shared) : (shared, local)
        let fromLock = try from.lock(operation: direction == .push ? "state push" : "state pull", timeout: lockTimeout)
        defer { fromLock.release() }
        let toLock = try to.lock(operation: direction == .push ? "state push" : "state pull", timeout: lockTimeout)
        defer { toLock.release() }
        guard let source = try from.openIfPresent() else {
            throw StateTransferError.unsupported("\(from.location): there is no state there to move")
        }
        let destination = try to.open()
        guard let reader = source as? any StateTransfer else { throw StateTransferError.unsupported(from.location) }
        guard let writer = destination as? any StateTransfer else { throw StateTransferError.unsupported(to.location) }
        let tables = try StateCopy.copy(from: reader, to: writer, destinationName: to.location)
        return (from.location, to.location, tables)
    }
}
