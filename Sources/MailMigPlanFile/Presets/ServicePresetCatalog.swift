import Foundation
import MailMigCore

/// The presets this build knows (`presets/*.yaml`, carried in `ServicePresetFiles`), read once.
///
/// A preset file holds `name`, `description`, `server` (settings merged under a plan's `source:` or
/// `target:`; the plan's own keys win), `folder_names` (role → the service's folder), `max_message_size`
/// and `notes`.
enum ServicePresetCatalog {
    /// One preset: what it says, and the settings it fills in.
    struct Entry: Sendable {
        /// What the preset says beyond settings.
        var preset: ServicePreset
        /// The `server:` mapping, merged under the plan's side.
        var server: PlanNode
    }

    /// Every preset by name, or the problems of a preset file that does not read (a defect of the build,
    /// which `PresetFilesTests` catches).
    static let entries: [String: Result<Entry, PresetFileError>] = {
        var found: [String: Result<Entry, PresetFileError>] = [:]
        for (name, text) in ServicePresetFiles.all { found[name] = read(name: name, text: text) }
        return found
    }()

    /// The names of all presets, sorted.
    static var names: [String] { entries.keys.sorted() }

    /// Reads one preset file.
    static func read(name: String, text: String) -> Result<Entry, PresetFileError> {
        let file = "presets/\(name).yaml"
        let document = YAMLDocument.read(text, file: file)
        guard let root = document.root, document.diagnostics.isEmpty else {
            return .failure(PresetFileError(name: name, problems: document.diagnostics.map(\.description)))
        }
        var decoder = PlanDecoder(file: file, baseDirectory: .init(fileURLWithPath: "/"), dnsKinds: DNSProviderRegistry())
        let entry = decoder.decodePreset(root, name: name)
        let problems = decoder.diagnostics.items.map(\.description)
        guard let entry, problems.isEmpty else { return .failure(PresetFileError(name: name, problems: problems)) }
        return .success(entry)
    }
}

/// A preset file of this build that does not read.
struct PresetFileError: Error, Sendable, CustomStringConvertible {
    /// The preset.
    var name: String
    /// What is wrong, one line each with its position.
    var problems: [String]

    var description: String { "the preset \(name) of this build does not read: \(problems.joined(separator: "; "))" }
}

extension PlanDecoder {
    /// Reads a preset file's root mapping.
    mutating func decodePreset(_ node: PlanNode, name: String) -> ServicePresetCatalog.Entry? {
        guard let fields = fields(node, path: "preset", allowed: ["name", "description", "server", "folder_names", "max_message_size", "notes"]) else {
            return nil
        }
        if let written = fields["name"]?.scalarText, written != name {
            diagnostics.error(fields.keyLocation("name"), "the preset file \(name).yaml names itself \(written)")
        }
        let description = fields["description"].flatMap { nonEmptyString($0, path: "description") } ?? name
        guard let server = required(fields, "server") else { return nil }
        var folderNames: [String: String] = [:]
        // The SPECIAL-USE roles of RFC 6154 that name a folder of their own.
        let roles = ["sent", "trash", "junk", "drafts", "archive", "all", "flagged"]
        if let node = fields["folder_names"], let names = self.fields(node, path: "folder_names", allowed: roles) {
            for key in roles {
                if let value = names[key].flatMap({ nonEmptyString($0, path: "folder_names.\(key)") }) { folderNames[key] = value }
            }
        }
        let size = fields["max_message_size"].flatMap { byteSize($0, path: "max_message_size") }
        let notes = fields["notes"].flatMap { strings($0, path: "notes") } ?? []
        return ServicePresetCatalog.Entry(preset: ServicePreset(name: name, description: description, folderNames: folderNames,
                                                                maxMessageSize: size, notes: notes),
                                          server: server)
    }
}
