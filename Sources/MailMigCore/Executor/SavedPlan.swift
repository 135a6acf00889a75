import Crypto
import Foundation
import MailMigSpool

/// A plan written by `mailmig plan -out FILE`, applied later by `mailmig apply FILE` exactly as reviewed.
///
/// Deterministic JSON (sorted keys) holding the state's lineage and serial, the SHA-256 of the plan
/// file and the steps; never a secret (steps hold only references and record values). A checksum over
/// the rest detects edits.
public struct SavedPlan: Sendable, Equatable, Codable {
    /// The saved-plan format.
    public var format: Int
    /// The mailmig that wrote it.
    public var mailmigVersion: String
    /// `apply` or `rollback`.
    public var operation: String
    /// The state it was planned against.
    public var lineage: String
    /// The state serial it was planned against; a newer state makes it stale.
    public var serial: Int
    /// The plan file as the user named it.
    public var planFile: String
    /// SHA-256 of the plan file's bytes.
    public var planSHA256: String
    /// When it was made.
    public var createdAt: Date
    /// What it will do.
    public var plan: ExecutionPlan
    /// SHA-256 of everything above.
    public var checksum: String

    static let currentFormat = 1

    /// Makes a saved plan and its checksum.
    public init(operation: String, meta: StateMeta, planFile: String, planSHA256: String, createdAt: Date, plan: ExecutionPlan) throws {
        self.format = Self.currentFormat
        self.mailmigVersion = MailMigVersion.current
        self.operation = operation
        self.lineage = meta.lineage
        self.serial = meta.serial
        self.planFile = planFile
        self.planSHA256 = planSHA256
        self.createdAt = Date(timeIntervalSince1970: createdAt.timeIntervalSince1970.rounded(.down))
        self.plan = plan
        self.checksum = ""
        self.checksum = try computeChecksum()
    }

    func computeChecksum() throws -> String {
        var copy = self
        copy.checksum = ""
        return MessageBytes.hex(SHA256.hash(data: try StateCoding.encoder.encode(copy)))
    }

    /// The file's bytes.
    public func encoded() throws -> Data {
        let encoder = StateCoding.encoder
        encoder.outputFormatting.insert(.prettyPrinted)
        return try encoder.encode(self)
    }

    /// Reads a saved plan and checks its checksum.
    public static func read(_ data: Data) throws(StateError) -> SavedPlan {
        guard let saved = try? StateCoding.decoder.decode(SavedPlan.self, from: data) else {
            throw .stalePlan("the file is not a mailmig saved plan")
        }
        guard saved.format == currentFormat else {
            throw .stalePlan("it has format \(saved.format); this mailmig reads format \(currentFormat)")
        }
        guard (try? saved.computeChecksum()) == saved.checksum else {
            throw .stalePlan("its checksum does not match: the file was edited after it was saved")
        }
        return saved
    }

    /// Refuses a plan made for another state, an older serial, or another version of the plan file.
    public func check(against meta: StateMeta, planSHA256 current: String) throws(StateError) {
        guard lineage == meta.lineage else {
            throw .stalePlan("it was made for another state (lineage \(lineage), this state is \(meta.lineage))")
        }
        guard serial == meta.serial else {
            throw .stalePlan("the state changed since it was made (serial \(serial), now \(meta.serial))")
        }
        guard planSHA256 == current else {
            throw .stalePlan("the plan file \(planFile) changed since it was made")
        }
    }

    /// SHA-256 of bytes, hex.
    public static func digest(_ bytes: [UInt8]) -> String {
        MessageBytes.hex(SHA256.hash(data: bytes))
    }
}

extension SavedPlan {
    /// The saved plan in the file at `path` when it is one (a JSON object with a checksum); nil when the
    /// file is something else, e.g. a plan file. Throws when it is a saved plan that cannot be used.
    public static func read(ifSavedPlanAt path: String) throws -> SavedPlan? {
        guard let data = FileManager.default.contents(atPath: path), data.first == UInt8(ascii: "{"),
              let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any], object["checksum"] != nil
        else { return nil }
        return try read(data)
    }
}
