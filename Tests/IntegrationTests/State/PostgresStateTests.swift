import Foundation
import MailMigCore
@testable import MailMigStatePostgres
import Testing
import TestSupport

/// The PostgreSQL state against a real server (`scripts/testenv/postgres.sh`): the checks every state
/// backend passes, then what PostgreSQL adds: schema versions, several stores and processes on one
/// schema, connections that break, and messages that name the server but never the password.
/// Each test works in a schema of its own, dropped afterwards.
@Suite("PostgreSQL state", .serialized, .enabled(if: TestEnvironment.isEnabled))
struct PostgresStateTests {
    @Test(arguments: StateBackendConformance.allCases)
    func conformance(_ check: StateBackendConformance) throws {
        let schema = try PostgresTestSchema()
        defer { schema.drop() }
        try check.run(on: schema.backend())
    }

    @Test("the state is created in its schema, with byte-order addresses, and openIfPresent creates nothing")
    func createdInItsSchema() throws {
        let schema = try PostgresTestSchema()
        defer { schema.drop() }
        let backend = try schema.backend()
        #expect(try backend.openIfPresent() == nil)
        #expect(backend.lockHolder() == nil)
        #expect(throws: StateError.lockMismatch(given: "x", current: nil)) { try backend.forceUnlock(id: "x") }
        #expect(try !schema.exists(), "openIfPresent, lockHolder or forceUnlock created the schema")

        try backend.open().commit([.put(address: "a", kind: "note", attributes: Data("{}".utf8))])
        #expect(try schema.exists())
        let tables = try schema.psql("SELECT tablename FROM pg_tables WHERE schemaname = '\(schema.name)' ORDER BY tablename")
        #expect(tables.split(separator: "\n").contains("resources"))
        #expect(try schema.psql("SELECT value FROM \(schema.name).meta WHERE key = 'schema_version'") == "\(PostgresStateStore.schemaVersion)")
        #expect(backend.location.hasPrefix("postgres://127.0.0.1:"))
        #expect(backend.location.hasSuffix("(schema \(schema.name))"))
        #expect(!backend.location.contains("@"), "the location names the login")
    }

    @Test("a state of a newer schema is refused by open, openIfPresent and lock, and left as it is")
    func newerSchemaRefused() throws {
        let schema = try PostgresTestSchema()
        defer { schema.drop() }
        let backend = try schema.backend()
        try backend.open().commit([.put(address: "a", kind: "note", attributes: Data("{}".utf8))])
        try schema.psql("UPDATE \(schema.name).meta SET value = '99' WHERE key = 'schema_version'")
        let refusal = StateError.newerSchema(found: 99, supported: PostgresStateStore.schemaVersion)
        #expect(throws: refusal) { try backend.open() }
        #expect(throws: refusal) { try backend.openIfPresent() }
        #expect(throws: refusal) { try backend.lock(operation: "apply", timeout: 0) }
        #expect(backend.lockHolder() == nil, "a refused lock is not held")
        #expect(try schema.psql("SELECT value FROM \(schema.name).meta WHERE key = 'schema_version'") == "99")
    }

    @Test("an older state is read converted without changing it; open upgrades it, and the older build then refuses it")
    func olderSchemaReadAndUpgraded() throws {
        let schema = try PostgresTestSchema()
        defer { schema.drop() }
        let current = try schema.backend()
        try current.open().commit([.put(address: "a", kind: "note", attributes: Data("{}".utf8))])
        let next = PostgresStateStore.schemaVersion + 1
        let newer = try schema.backend(migrations: PostgresSchema.migrations + [
            PostgresMigration(version: next, statements: [
                "CREATE TABLE upgrade_marker (x integer)",
                "ALTER TABLE resources ADD COLUMN note text",
            ]),
        ])

        let reading = try #require(try newer.openIfPresent())
        #expect(try reading.meta().schemaVersion == next, "the read sees the state converted")
        #expect(try reading.resources().map(\.address) == ["a"])
        #expect(try reading.meta().serial == 1)
        #expect(try schema.psql("SELECT value FROM \(schema.name).meta WHERE key = 'schema_version'") == "\(next - 1)")
        #expect(try schema.psql("SELECT count(*) FROM pg_tables WHERE schemaname = '\(schema.name)' AND tablename = 'upgrade_marker'") == "0")
        // Writes through a converted read are not kept.
        try reading.commit([.put(address: "b", kind: "note", attributes: Data("{}".utf8))])
        #expect(try current.open().resources().map(\.address) == ["a"])

        #expect(try newer.open().meta().schemaVersion == next)
        #expect(try schema.psql("SELECT value FROM \(schema.name).meta WHERE key = 'schema_version'") == "\(next)")
        #expect(try schema.psql("SELECT count(*) FROM pg_tables WHERE schemaname = '\(schema.name)' AND tablename = 'upgrade_marker'") == "1")
        #expect(throws: StateError.newerSchema(found: next, supported: next - 1)) { try current.open() }
    }

    @Test("stores opening a new state at once create it once, and their commits take turns")
    func concurrentStores() throws {
        let schema = try PostgresTestSchema()
        defer { schema.drop() }
        let backend = try schema.backend()
        let lineages = Collected<String>()
        DispatchQueue.concurrentPerform(iterations: 4) { index in
            do {
                let store = try backend.open()
                lineages.add(try store.meta().lineage)
                for round in 0..<10 {
                    try store.commit([.put(address: "shared", kind: "note", attributes: Data("\(index)-\(round)".utf8))])
                }
            } catch {
                lineages.add("failed: \(error)")
            }
        }
        #expect(Set(lineages.all).count == 1, "\(lineages.all)")
        let store = try backend.open()
        #expect(try store.meta().serial == 40)
        #expect(Set(try store.history().map(\.serial)) == Set(1...40))
    }

    @Test("a pooled connection the server closed is replaced, and the next call works")
    func brokenConnectionReplaced() throws {
        let schema = try PostgresTestSchema()
        defer { schema.drop() }
        let store = try schema.backend().open()
        try store.commit([.put(address: "a", kind: "note", attributes: Data("{}".utf8))])
        let ended = try schema.psql("""
            SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
            WHERE application_name = 'mailmig \(schema.name)' AND datname = current_database() AND pid <> pg_backend_pid()
            """)
        #expect(ended != "0", "no session of the store was found to end")
        Thread.sleep(forTimeInterval: 0.2)
        #expect(try store.meta().serial == 1)
        #expect(try store.commit([.put(address: "b", kind: "note", attributes: Data("{}".utf8))]) == 2)
    }

    @Test("the lock is released when its session ends; the record it leaves is cleared by force-unlock")
    func lockReleasedWithSession() throws {
        let schema = try PostgresTestSchema()
        defer { schema.drop() }
        let backend = try schema.backend()
        let held = try backend.lock(operation: "apply", timeout: 0)
        #expect(StateBackendConformance.sameHolder(backend.lockHolder(), held.info))
        #expect(try schema.psql("SELECT count(pg_terminate_backend(pid)) FROM pg_locks WHERE \(schema.planLockCondition)") == "1")
        Thread.sleep(forTimeInterval: 0.2)
        #expect(backend.lockHolder() == nil, "the lock outlived its session")
        #expect(try schema.psql("SELECT id FROM \(schema.name).lock_holder") == held.info.id, "the record stays behind")

        try backend.forceUnlock(id: held.info.id)
        #expect(try schema.psql("SELECT count(*) FROM \(schema.name).lock_holder") == "0")
        let next = try backend.lock(operation: "rollback", timeout: 0)
        #expect(backend.lockHolder()?.operation == "rollback")
        held.release()  // on a dead session: does nothing, and certainly not release the new holder
        #expect(backend.lockHolder()?.id == next.info.id)
        next.release()
        #expect(backend.lockHolder() == nil)
    }

    @Test("another process holding the lock is named; when it is killed, the lock is free")
    func anotherProcessHoldsTheLock() throws {
        let schema = try PostgresTestSchema()
        defer { schema.drop() }
        let backend = try schema.backend()
        _ = try backend.open()
        // psql, a process of its own, takes the lock and records itself as a mailmig holder would,
        // then waits for more input on a FIFO.
        let fifo = FileManager.default.temporaryDirectory.appendingPathComponent("mailmig-pg-\(UUID().uuidString).fifo").path
        #expect(mkfifo(fifo, 0o600) == 0)
        defer { unlink(fifo) }
        let other = try Spawn.start("psql", [schema.url, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-f", fifo])
        defer { if other.isRunning { other.signal(SIGKILL); other.wait() } }
        let input = open(fifo, O_WRONLY)
        #expect(input >= 0)
        defer { close(input) }
        let since = Date(timeIntervalSince1970: 1_800_000_000)
        let sql = """
            SELECT pg_advisory_lock(\(schema.planLockKey));
            INSERT INTO \(schema.name).lock_holder (id, operation, who, pid, since)
                VALUES ('other-process', 'apply', 'ops@elsewhere', 4242, to_timestamp(1800000000));

            """
        _ = sql.withCString { write(input, $0, strlen($0)) }
        var named: LockInfo?
        for _ in 0..<100 {
            named = backend.lockHolder()
            if named?.id == "other-process" { break }
            Thread.sleep(forTimeInterval: 0.05)
        }
        let holder = LockInfo(id: "other-process", operation: "apply", who: "ops@elsewhere", pid: 4242, since: since)
        #expect(StateBackendConformance.sameHolder(named, holder), "\(String(describing: named))")

        #expect(throws: StateError.locked(named ?? holder)) { try backend.lock(operation: "plan", timeout: 0) }
        #expect(throws: StateError.lockHeld(named ?? holder)) { try backend.forceUnlock(id: "other-process") }
        let ours = try schema.psql("SELECT pg_try_advisory_lock(\(schema.planLockKey))")
        #expect(ours == "f", "a third session took the lock while psql holds it")

        other.signal(SIGKILL)
        other.wait()
        let started = Date()
        let lock = try backend.lock(operation: "apply", timeout: 10)
        #expect(Date().timeIntervalSince(started) < 5, "the killed process's lock was not released promptly")
        #expect(backend.lockHolder()?.id == lock.info.id)
        lock.release()
    }

    @Test("our lock holds against another process, which can take it once we release it")
    func otherProcessWaitsForUs() throws {
        let schema = try PostgresTestSchema()
        defer { schema.drop() }
        let backend = try schema.backend()
        let lock = try backend.lock(operation: "apply", timeout: 0)
        #expect(try schema.psql("SELECT pg_try_advisory_lock(\(schema.planLockKey))") == "f")
        #expect(try schema.psql("SELECT operation || ' ' || pid FROM \(schema.name).lock_holder") == "apply \(getpid())")
        lock.release()
        #expect(try schema.psql("SELECT pg_try_advisory_lock(\(schema.planLockKey))") == "t")
    }

    @Test("an unreachable server, a wrong password and a bad URL are named without the password")
    func connectionErrors() throws {
        let schema = try PostgresTestSchema()
        defer { schema.drop() }
        var components = try #require(URLComponents(string: schema.url))
        let password = try #require(components.password)

        var closed = components
        closed.port = 1
        let unreachable = try PostgresStateBackend(url: closed.string!, schema: schema.name)
        let started = Date()
        let refused = #expect(throws: StateError.self) { try unreachable.open() }
        let refusal = refused?.description ?? ""
        #expect(refusal == "the state database postgres://127.0.0.1:1/\(components.path.dropFirst()) (schema \(schema.name)) is unreachable: cannot connect to the server: connection refused")
        #expect(Date().timeIntervalSince(started) < 5)
        #expect(unreachable.lockHolder() == nil)
        #expect(throws: StateError.self) { try unreachable.lock(operation: "apply", timeout: 0) }

        components.password = "not-\(password)"
        let wrong = try PostgresStateBackend(url: components.string!, schema: schema.name)
        let denied = (#expect(throws: StateError.self) { try wrong.open() })?.description ?? ""
        #expect(denied.contains("cannot log in: the server answered: password authentication failed"), "\(denied)")
        #expect(denied.contains("28P01"))
        for message in [refusal, denied] {
            #expect(!message.contains(password), "a message shows the password")
        }

        let secret = "s3cret-in-url"
        let bad: [(String, String)] = [
            ("mysql://u:\(secret)@h/db", "must start with postgres://"),
            ("postgres://u:\(secret)@h:5432/", "names no database"),
            ("postgres://:\(secret)@h/db", "names no user"),
            ("postgres://u:\(secret)@h/db?sslmode=sometimes", "sslmode must be disable, allow, prefer, require, verify-ca or verify-full"),
            ("postgres://u:\(secret)@h/db?search_path=x", "'search_path' is not known"),
        ]
        for (url, expected) in bad {
            let error = #expect(throws: StateError.self) { try PostgresStateBackend(url: url, schema: "mailmig") }
            let text = error?.description ?? ""
            #expect(text.contains(expected), "\(url): \(text)")
            #expect(!text.contains(secret))
        }
        for name in ["1abc", "has-dash", "pg_mine", "", String(repeating: "a", count: 64), "naïve"] {
            #expect(throws: StateError.self, "schema \(name)") { try PostgresStateBackend(url: schema.url, schema: name) }
        }
        #expect(try PostgresStateBackend(url: schema.url).schema == "mailmig")
    }

    @Test("sslmode=require refuses a server without TLS in one sentence; the default (prefer) connects without it")
    func tlsRequired() throws {
        let schema = try PostgresTestSchema()
        defer { schema.drop() }
        let separator = schema.url.contains("?") ? "&" : "?"
        let strict = try PostgresStateBackend(url: schema.url + separator + "sslmode=require", schema: schema.name)
        let refusal = (#expect(throws: StateError.self) { try strict.open() })?.description ?? ""
        #expect(refusal.contains("TLS"), "\(refusal)")
        _ = try PostgresStateBackend(url: schema.url + separator + "sslmode=prefer", schema: schema.name).open()
        #expect(try schema.exists())
    }
}

/// Values collected from several threads.
private final class Collected<Value: Sendable>: @unchecked Sendable {
    // `items` is guarded by `lock`.
    private let lock = NSLock()
    private var items: [Value] = []

    func add(_ item: Value) {
        lock.lock()
        items.append(item)
        lock.unlock()
    }

    var all: [Value] {
        lock.lock()
        defer { lock.unlock() }
        return items
    }
}
