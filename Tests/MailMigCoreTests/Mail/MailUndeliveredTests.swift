import Foundation
@testable import MailMigCore
import Testing
import TestSupport

/// A source that does not deliver what it was asked for, or delivers more: nothing is lost, nothing
/// copied twice, and a folder missing a message is never taken as done.
@Suite("Mail copy over fake stores: what the source delivers is checked")
struct MailUndeliveredTests {
    let alice = MailHarness.alice

    @Test("a message SEARCH lists but the metadata FETCH leaves out is reported, keeps the folder pending, and is copied once described",
          arguments: [false, true])
    func undescribedMessage(namedMessages: Bool) async throws {
        let source = FakeMailStore(side: .source, namesMessages: namedMessages)
        let harness = try MailHarness(source: source)
        let keys = source.seed(SampleMessages.make(6), into: "INBOX", of: alice)
        source.faults.undescribed = [keys[2]]

        let first = try await harness.apply().report
        #expect(!first.succeeded, "a listed message that was not copied must not pass silently")
        let outcome = first.failed.compactMap { entry -> String? in
            if case .failed(let text) = entry.outcome { return text }
            return nil
        }.joined(separator: "\n")
        #expect(outcome.contains("folder INBOX") && outcome.contains("(\(keys[2]))"), "\(outcome)")
        #expect(harness.target.messages(in: "INBOX", of: alice).count == 5, "the others were copied")
        #expect(try await !harness.plan().steps.isEmpty, "the folder is not current while a message is missing")

        source.faults.undescribed = []
        #expect(try await harness.apply().report.succeeded)
        #expect(harness.targetMatchesSource("INBOX", "INBOX"))
        #expect(harness.target.counters.appendedMessages == 6, "every message once")
        #expect(try await harness.verify().passed)
    }

    @Test("a message the source lists but never returns fails the pass with one sentence, leaves the folder pending, and is copied once it returns",
          arguments: [false, true])
    func withheldMessage(namedMessages: Bool) async throws {
        let source = FakeMailStore(side: .source, namesMessages: namedMessages)
        let harness = try MailHarness(source: source)
        let keys = source.seed(SampleMessages.make(10), into: "INBOX", of: alice)
        source.seed(SampleMessages.make(3, tag: "archive", firstDay: 50), into: "Archive", of: alice)
        source.faults.withheld = [keys[3]]

        let first = try await harness.apply().report
        #expect(!first.succeeded)
        let outcome = first.failed.compactMap { entry -> String? in
            if case .failed(let text) = entry.outcome { return text }
            return nil
        }.joined(separator: "\n")
        #expect(outcome.contains("folder INBOX"), "\(outcome)")
        #expect(outcome.contains("did not return when asked twice (\(keys[3]))"), "\(outcome)")
        #expect(harness.target.messages(in: "INBOX", of: alice).count == 9, "what arrived was copied")
        #expect(harness.target.messages(in: "Archive", of: alice).count == 3, "the other folders went on")
        #expect(try harness.ledger().rows.count == 12)
        #expect(try !harness.ledger().rows.contains { $0.uid == keys[3] })
        #expect(try await !harness.plan().steps.isEmpty, "the folder is not current while a message is missing")

        source.faults.withheld = []
        #expect(try await harness.apply().report.succeeded)
        #expect(harness.targetMatchesSource("INBOX", "INBOX"))
        #expect(harness.target.counters.appendedMessages == 13, "every message once")
        #expect(try await harness.plan().steps.isEmpty)
        #expect(try await harness.verify().passed)
    }

    @Test("a message deleted on the source while the pass runs is not an error")
    func deletedMeanwhile() async throws {
        let source = FakeMailStore(side: .source)
        let harness = try MailHarness(source: source)
        let keys = source.seed(SampleMessages.make(6), into: "INBOX", of: alice)
        // Listed by the first search, then gone: the stream leaves it out, and a new search no longer lists it.
        source.faults.withheld = [keys[2]]
        source.faults.expungeWithheldAfterStreams = 2
        #expect(try await harness.apply().report.succeeded)
        #expect(harness.target.messages(in: "INBOX", of: alice).count == 5)
        // The folder changed during the pass, so the next plan looks again, and finds nothing to copy.
        #expect(try await harness.apply().report.succeeded)
        #expect(harness.target.counters.appendedMessages == 5)
        #expect(try await harness.plan().steps.isEmpty)
        #expect(harness.targetMatchesSource("INBOX", "INBOX"))
    }

    @Test("a message delivered twice, or one nobody asked for, is appended once and only when asked for")
    func echoesAreIgnored() async throws {
        let source = FakeMailStore(side: .source)
        let harness = try MailHarness(source: source)
        source.seed(SampleMessages.make(20), into: "INBOX", of: alice)
        #expect(try await harness.apply().report.succeeded)
        source.seed(SampleMessages.make(5, tag: "later", firstDay: 300), into: "INBOX", of: alice)
        source.faults.echoes = true

        #expect(try await harness.apply().report.succeeded)
        #expect(harness.targetMatchesSource("INBOX", "INBOX"))
        #expect(harness.target.counters.appendedMessages == 25, "no message twice, none that was already copied")
        #expect(try harness.ledger().rows.count == 25)
        #expect(try await harness.verify().passed)
    }
}
