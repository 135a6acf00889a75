import MailMigCore
import MailMigIMAP
import Testing
@testable import MailMigIMAPStore

/// How the IMAP store classifies the server's answers: which refusals are worth a retry, and which
/// mean a folder does not exist (recovery forgets pending copies only for the latter).
@Suite("IMAP store: error classification")
struct IMAPErrorClassifierTests {
    static func no(_ code: ResponseCode?) -> IMAPError {
        .no(server: "target imap.acme.test", command: "EXAMINE", text: "refused", code: code)
    }

    @Test("silence instead of a greeting is a failure, not worth a retry, and names the tls setting; other timeouts are transient")
    func silentGreeting() {
        let greeting = IMAPError.timeout(server: "source imap.acme.test", operation: "the greeting", seconds: 120)
        #expect((IMAPErrorClassifier.classify(greeting) as? MailStoreError)?.kind == .failed)
        #expect(greeting.description.hasSuffix("needs tls: implicit"))
        let fetch = IMAPError.timeout(server: "source imap.acme.test", operation: "UID FETCH", seconds: 120)
        #expect((IMAPErrorClassifier.classify(fetch) as? MailStoreError)?.kind == .transient)
    }

    @Test("NO [NONEXISTENT] and a NO without a code to SELECT/EXAMINE mean the folder does not exist")
    func missingFolder() {
        #expect(IMAPErrorClassifier.meansNoSuchFolder(Self.no(.other(name: "NONEXISTENT", arguments: nil))))
        #expect(IMAPErrorClassifier.meansNoSuchFolder(Self.no(nil)))
    }

    @Test("a busy or refusing server is not a missing folder: busy (or broken, SERVERBUG) is transient, a refusal a failure",
          arguments: ["INUSE", "UNAVAILABLE", "LIMIT", "NOPERM", "SERVERBUG"])
    func busyIsNotMissing(_ name: String) {
        let error = Self.no(.other(name: name, arguments: nil))
        #expect(!IMAPErrorClassifier.meansNoSuchFolder(error))
        let classified = IMAPErrorClassifier.classify(error) as? MailStoreError
        let busy = ["INUSE", "UNAVAILABLE", "LIMIT", "SERVERBUG"].contains(name)
        #expect(classified?.kind == (busy ? .transient : .failed))
    }

    @Test("a throttled SELECT, NO without a code, is not a missing folder: recovery must not forget its pending copies")
    func throttledSelectIsNotMissing() {
        let error = IMAPError.no(server: "target outlook.office365.com", command: "SELECT", text: "Request is throttled. Suggested Backoff Time: 5000 milliseconds",
                                 code: nil)
        #expect(!IMAPErrorClassifier.meansNoSuchFolder(error))
        #expect((IMAPErrorClassifier.classify(error) as? MailStoreError)?.kind == .transient)
    }

    @Test("a throttling answer to any command, NO or BAD, is transient with the suggested pause in seconds",
          arguments: ["LOGIN", "EXAMINE", "UID FETCH", "UID STORE", "CREATE"])
    func throttledCommand(_ command: String) throws {
        for error in [IMAPError.no(server: "s", command: command, text: "Request is throttled. Suggested Backoff Time: 92415 milliseconds", code: nil),
                      IMAPError.bad(server: "s", command: command, text: "Request is throttled. Suggested Backoff Time: 92415 milliseconds", code: nil)] {
            let classified = try #require(IMAPErrorClassifier.classify(error) as? MailStoreError)
            #expect(classified.kind == .transient)
            #expect(classified.retryAfter == 92.415)
        }
    }

    @Test("the suggested pause is read in milliseconds unless the text says seconds; a text without one suggests none")
    func suggestedPause() {
        #expect(Throttling.suggestedPause(in: "Request is throttled. Suggested Backoff Time: 250 ms") == 0.25)
        #expect(Throttling.suggestedPause(in: "request is throttled; suggested backoff time: 30 seconds") == 30)
        #expect(Throttling.suggestedPause(in: "Request is throttled.") == nil)
        #expect(!Throttling.isThrottled("Mailbox is full"))
    }

    @Test("a dropped connection or a timeout is transient; errors of other libraries pass through")
    func transport() {
        #expect((IMAPErrorClassifier.classify(IMAPError.connectionLost(server: "s", detail: "reset")) as? MailStoreError)?.kind == .transient)
        #expect((IMAPErrorClassifier.classify(IMAPError.timeout(server: "s", operation: "FETCH", seconds: 120)) as? MailStoreError)?.kind == .transient)
        struct Other: Error {}
        #expect(IMAPErrorClassifier.classify(Other()) is Other)
    }

    @Test("a refused login is its own kind, whatever the wording: the planner calls such a target mailbox absent",
          arguments: ["AUTHENTICATIONFAILED", "AUTHORIZATIONFAILED", "authorizationfailed"])
    func refusedLogin(_ name: String) {
        let error = IMAPError.no(server: "target imap.acme.test", command: "LOGIN", text: "Nope", code: .other(name: name, arguments: nil))
        let classified = IMAPErrorClassifier.classify(error) as? MailStoreError
        #expect(classified?.kind == .loginRefused)
        let wrapped = MailError(classified!, side: .target, server: "imap.acme.test", mailbox: "a@acme.test", folder: nil)
        #expect(wrapped.kind == .loginRefused)
        #expect(!wrapped.isTransient)
        #expect(wrapped.description.hasPrefix("target server imap.acme.test, mailbox a@acme.test: "))
    }

    @Test("a refusal without a login code is a plain failure, not an absent mailbox")
    func otherRefusalIsNotLogin() {
        let error = IMAPError.no(server: "s", command: "LOGIN", text: "AUTHENTICATIONFAILED in the text only", code: nil)
        #expect((IMAPErrorClassifier.classify(error) as? MailStoreError)?.kind == .failed)
    }

    @Test("each service's throttling answer is transient and marked throttled; a full mailbox or a refusal is not",
          arguments: [
              (IMAPError.bad(server: "s", command: "UID FETCH", text: "Request is throttled. Suggested Backoff Time: 300 milliseconds", code: nil), true),
              (IMAPError.no(server: "s", command: "LOGIN", text: "Too many simultaneous connections. (Failure)", code: .alert), true),
              (IMAPError.no(server: "s", command: "SELECT", text: "Account exceeded command or bandwidth limits. (Failure)", code: .overQuota), true),
              (IMAPError.no(server: "s", command: "LOGIN", text: "Maximum number of connections from user+IP exceeded (mail_max_userip_connections=10)",
                            code: .other(name: "UNAVAILABLE", arguments: nil)), true),
              (IMAPError.no(server: "s", command: "FETCH", text: "slow down", code: .other(name: "THROTTLED", arguments: nil)), true),
              (IMAPError.no(server: "s", command: "FETCH", text: "Too many commands", code: .other(name: "LIMIT", arguments: nil)), true),
              (IMAPError.bye(server: "s", text: "[UNAVAILABLE] Too many connections, try later"), true),
              (IMAPError.no(server: "s", command: "APPEND", text: "Quota exceeded (mailbox for user is full)", code: .overQuota), false),
              (IMAPError.no(server: "s", command: "SELECT", text: "Permission denied", code: .other(name: "NOPERM", arguments: nil)), false),
              (IMAPError.no(server: "s", command: "FETCH", text: "in use", code: .other(name: "INUSE", arguments: nil)), false),
          ])
    func serviceThrottling(_ error: IMAPError, throttled: Bool) throws {
        let classified = try #require(IMAPErrorClassifier.classify(error) as? MailStoreError)
        #expect(classified.throttled == throttled)
        // INUSE is busy, not throttling: transient all the same.
        let busy = error.responseCode == .other(name: "INUSE", arguments: nil)
        #expect((classified.kind == .transient) == (throttled || busy))
        if case .no(_, "APPEND", _, _) = error {
            #expect(IMAPErrorClassifier.appendRefusal(error) == .folder)
        }
    }

    @Test("Gmail's bandwidth answer to an APPEND leaves the message pending and retries, it is not a full quota")
    func gmailBandwidthAppend() {
        let error = IMAPError.no(server: "s", command: "APPEND", text: "Account exceeded command or bandwidth limits. (Failure)", code: .overQuota)
        #expect(IMAPErrorClassifier.appendRefusal(error) == .transient)
        #expect(IMAPErrorClassifier.appendFailure(error).throttled)
    }
}

extension IMAPErrorClassifierTests {
    @Test("a spool directory that cannot be used is a failure, not worth a retry: trying again fails alike")
    func localStorageIsNotTransient() {
        let spool = IMAPError.localStorage(server: "source imap.acme.test",
                                           detail: "could not create a spool file in /nonexistent: No such file or directory")
        #expect((IMAPErrorClassifier.classify(spool) as? MailStoreError)?.kind == .failed)
        #expect(!spool.description.contains("was lost"))
    }
}
