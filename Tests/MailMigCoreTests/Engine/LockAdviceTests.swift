import Foundation
@testable import MailMigCore
import Testing

/// The "state is locked" error: the advice can be pasted as it is.
@Suite("State lock advice")
struct LockAdviceTests {
    @Test("the locked advice names the plan file, quoted for a shell when it needs it")
    func lockedAdvice() {
        let info = LockInfo(id: "abc", operation: "apply", who: "ops@mig-01", pid: 42, since: Date(timeIntervalSince1970: 0))
        #expect(StateError.locked(info).description.hasSuffix("run `mailmig force-unlock abc`"))
        #expect(StateError.locked(info, plan: "waves/acme.yaml").description.hasSuffix("run `mailmig force-unlock abc waves/acme.yaml`"))
        #expect(StateError.locked(info, plan: "it's here.yaml").description.hasSuffix("run `mailmig force-unlock abc 'it'\\''s here.yaml'`"))
    }
}
