import MailMigCore
@testable import MailMigIMAP
import Testing
@testable import MailMigIMAPStore

/// Which refused APPENDs skip a message for good and which leave it pending: only a refusal about the
/// message itself is a skip; a busy or throttling server, a full quota or a refused folder is not.
@Suite("IMAP store: refused APPENDs")
struct IMAPAppendClassificationTests {
    static let stored: Result<AppendResult, IMAPError> = .success(AppendResult(uidValidity: 7, uid: 1))

    static func no(_ code: ResponseCode?, _ text: String = "refused") -> Result<AppendResult, IMAPError> {
        .failure(.no(server: "target imap.acme.test", command: "APPEND to \"INBOX\"", text: text, code: code))
    }

    static func kind(_ outcome: AppendOutcome) -> String {
        switch outcome {
        case .stored: "stored"
        case .refused: "skipped"
        case .failed(let error): "\((error as? MailStoreError)?.kind ?? .failed)"
        }
    }

    @Test("a busy server or one that hit a fault of its own leaves the message pending, even while it stores others",
          arguments: ["UNAVAILABLE", "INUSE", "LIMIT", "SERVERBUG"])
    func busyIsTransient(_ name: String) {
        let outcomes = IMAPErrorClassifier.appendOutcomes([Self.stored, Self.no(.other(name: name, arguments: nil))])
        #expect(outcomes.map(Self.kind) == ["stored", "transient"])
    }

    @Test("Exchange's throttling answer, NO or BAD without a code, is transient and carries the suggested pause")
    func throttled() throws {
        let text = "Request is throttled. Suggested Backoff Time: 92415 milliseconds"
        let bad: Result<AppendResult, IMAPError> = .failure(.bad(server: "t", command: "APPEND", text: text, code: nil))
        let outcomes = IMAPErrorClassifier.appendOutcomes([Self.stored, Self.no(nil, text), bad])
        #expect(outcomes.map(Self.kind) == ["stored", "transient", "transient"])
        guard case .failed(let error) = outcomes[1] else { Issue.record("not failed"); return }
        #expect((error as? MailStoreError)?.retryAfter == 92.415)
    }

    @Test("a full quota, a missing folder or a refused permission fails the pass with the messages pending, whatever the others did",
          arguments: [ResponseCode.overQuota, .tryCreate, .other(name: "NOPERM", arguments: nil), .other(name: "EXPIRED", arguments: nil),
                      .other(name: "CONTACTADMIN", arguments: nil)])
    func accountOrFolder(_ code: ResponseCode) {
        let outcomes = IMAPErrorClassifier.appendOutcomes([Self.stored, Self.no(code)])
        #expect(outcomes.map(Self.kind) == ["stored", "failed"])
    }

    @Test("a full quota says in one sentence that the messages stay pending")
    func quotaSentence() throws {
        guard case .failed(let error) = IMAPErrorClassifier.appendOutcomes([Self.no(.overQuota, "Quota exceeded")])[0] else {
            Issue.record("not failed")
            return
        }
        let reason = try #require(error as? MailStoreError).reason
        #expect(reason.hasPrefix("the account is over its quota"))
        #expect(reason.contains("stay pending and the next apply tries again"))
        #expect(reason.contains("Quota exceeded"))
    }

    @Test("a refusal of the message itself is a skip, even when nothing else was stored", arguments: ["TOOBIG", "PARSE", "CANNOT"])
    func messageRefusal(_ name: String) {
        let outcomes = IMAPErrorClassifier.appendOutcomes([Self.no(.other(name: name, arguments: nil))])
        #expect(outcomes.map(Self.kind) == ["skipped"])
    }

    @Test("a NO without a reason is a skip only when the server stored other messages of the same call")
    func plainRefusal() {
        #expect(IMAPErrorClassifier.appendOutcomes([Self.stored, Self.no(nil), Self.stored]).map(Self.kind) == ["stored", "skipped", "stored"])
        #expect(IMAPErrorClassifier.appendOutcomes([Self.no(nil), Self.no(nil)]).map(Self.kind) == ["failed", "failed"])
        #expect(IMAPErrorClassifier.appendOutcomes([Self.no(.other(name: "X-POLICY", arguments: nil))]).map(Self.kind) == ["failed"])
    }

    @Test("a refused MULTIAPPEND is sent again message by message only when the refusal may concern one message")
    func multiappendFallback() {
        func no(_ code: ResponseCode?, _ text: String = "refused") -> IMAPError {
            .no(server: "t", command: "APPEND", text: text, code: code)
        }
        #expect(IMAPErrorClassifier.mayConcernOneMessage(no(nil)))
        #expect(IMAPErrorClassifier.mayConcernOneMessage(no(.other(name: "TOOBIG", arguments: nil))))
        #expect(!IMAPErrorClassifier.mayConcernOneMessage(no(.overQuota)))
        #expect(!IMAPErrorClassifier.mayConcernOneMessage(no(.other(name: "UNAVAILABLE", arguments: nil))))
        #expect(!IMAPErrorClassifier.mayConcernOneMessage(no(nil, "Request is throttled. Suggested Backoff Time: 1000 milliseconds")))
    }
}
