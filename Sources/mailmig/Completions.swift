import ArgumentParser

extension MailMig {
    /// `mailmig completions SHELL`: prints a completion script for bash, zsh or fish.
    struct Completions: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print a shell completion script for bash, zsh or fish.",
            discussion: """
                bash: mailmig completions bash > /etc/bash_completion.d/mailmig
                zsh:  mailmig completions zsh > "${fpath[1]}/_mailmig"
                fish: mailmig completions fish > ~/.config/fish/completions/mailmig.fish
                """
        )

        @Argument(help: "bash, zsh or fish.", completion: .list(["bash", "zsh", "fish"]))
        var shell: String

        func validate() throws {
            guard CompletionShell(rawValue: shell) != nil else {
                throw ValidationError("unknown shell '\(shell)'; expected one of \(CompletionShell.allCases.map(\.rawValue).joined(separator: ", "))")
            }
        }

        func run() {
            guard let shell = CompletionShell(rawValue: shell) else { return }
            print(MailMig.completionScript(for: shell), terminator: "")
        }
    }
}
