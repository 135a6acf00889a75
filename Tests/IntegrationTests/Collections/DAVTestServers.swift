import Foundation
import MailMigCore

/// The two Radicale servers of `scripts/testenv/radicale.sh`, their users, the seeder and what they hold.
enum DAVTestServers {
    enum Instance: String { case source, target }

    static func url(_ instance: Instance) throws -> String { try TestEnvironment.require("MAILMIG_TEST_DAV_\(instance.rawValue.uppercased())_URL") }
    static func storage(_ instance: Instance) throws -> URL {
        URL(fileURLWithPath: try TestEnvironment.require("MAILMIG_TEST_DAV_\(instance.rawValue.uppercased())_STORAGE"))
    }
    static var script: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("scripts/testenv/radicale.sh")
    }
    static var seeder: URL { script.deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("dav/seed.py") }

    /// A mailbox on both Dovecot servers and both Radicale servers, with the password `MailTestServers.userPassword`.
    static func addUser(_ name: String, on instances: [Instance] = [.source, .target]) throws {
        for instance in instances {
            try MailTestServers.addUser(name, on: instance == .source ? .source : .target)
            _ = try ScriptRunner.succeed(script.path, ["add-user", instance.rawValue, name, MailTestServers.userPassword], environment: [:])
        }
    }

    /// Runs the seeder for `user` on `instance` with `arguments`; returns its summary line.
    @discardableResult
    static func seed(_ user: String, on instance: Instance, _ arguments: [String]) throws -> String {
        var environment = ["MAILMIG_TEST_DAV_SOURCE_STORAGE": try storage(.source).path]
        environment["PYTHONDONTWRITEBYTECODE"] = "1"
        return try ScriptRunner.succeed("/usr/bin/python3", [seeder.path, "--url", try url(instance), "--user", user, "--password", MailTestServers.userPassword]
                                        + arguments, environment: environment)
    }

    /// The size of `instance`'s log (`radicale.log` beside its storage), to read the requests after it.
    static func logSize(_ instance: Instance) throws -> Int {
        let log = try storage(instance).deletingLastPathComponent().appendingPathComponent("radicale.log")
        return ((try? FileManager.default.attributesOfItem(atPath: log.path))?[.size] as? NSNumber)?.intValue ?? 0
    }

    /// The requests `instance` logged for `user` since the log had `offset` bytes, each as
    /// `METHOD path depth` (`PROPFIND /user/calendar/ 1`).
    static func requests(of user: String, on instance: Instance, since offset: Int) throws -> [String] {
        let log = try storage(instance).deletingLastPathComponent().appendingPathComponent("radicale.log")
        let data = try Data(contentsOf: log)
        let text = String(decoding: data.suffix(from: min(offset, data.count)), as: UTF8.self)
        return text.split(separator: "\n").compactMap { line -> String? in
            // [INFO] PROPFIND request for '/user/calendar/' with depth '1' received from 127.0.0.1 using 'mailmig'
            guard let start = line.range(of: "] [INFO] "), line.contains(" request for '/\(user)/") else { return nil }
            let words = line[start.upperBound...].split(separator: " ")
            guard words.count >= 4, words[1] == "request" else { return nil }
            let path = words[3].trimmingCharacters(in: CharacterSet(charactersIn: "'"))
            let depth = line.range(of: "with depth '").map { String(line[$0.upperBound...].prefix { $0 != "'" }) } ?? "-"
            return "\(words[0]) \(path) \(depth)"
        }
    }

    /// Every item of `user` on `instance`, by collection name and item name, as Radicale stores it.
    static func items(_ user: String, on instance: Instance) throws -> [String: [String: Data]] {
        let home = try storage(instance).appendingPathComponent("collection-root").appendingPathComponent(user)
        var found: [String: [String: Data]] = [:]
        let manager = FileManager.default
        for collection in (try? manager.contentsOfDirectory(atPath: home.path)) ?? [] where !collection.hasPrefix(".") {
            let folder = home.appendingPathComponent(collection)
            var isFolder: ObjCBool = false
            guard manager.fileExists(atPath: folder.path, isDirectory: &isFolder), isFolder.boolValue else { continue }
            var items: [String: Data] = [:]
            for name in try manager.contentsOfDirectory(atPath: folder.path) where !name.hasPrefix(".") {
                items[name] = try Data(contentsOf: folder.appendingPathComponent(name))
            }
            found[collection] = items
        }
        return found
    }

    /// Source items whose copy is missing or differs on the target, after the preparation mailmig
    /// applies (SCHEDULE-AGENT=CLIENT) and normalisation (`ItemComparison`); and target items that
    /// have no source item (duplicates).
    static func differences(source: [String: [String: Data]], target: [String: [String: Data]], preparation: ItemPreparation) -> [String] {
        var out: [String] = []
        for (collection, items) in source.sorted(by: { $0.key < $1.key }) {
            let copies = target[collection] ?? [:]
            for (name, data) in items.sorted(by: { $0.key < $1.key }) {
                guard let copy = copies[name] else { out.append("\(collection)/\(name): missing"); continue }
                if !ItemComparison.same(preparation.prepare(data), copy) { out.append("\(collection)/\(name): differs") }
            }
            for name in copies.keys where items[name] == nil { out.append("\(collection)/\(name): not on the source") }
        }
        return out
    }
}
