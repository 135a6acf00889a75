/// The files `mailmig init` writes: a commented starter plan and the `.gitignore` entry of the state folder.
public enum StarterPlan {
    /// The starter plan: every section with a comment and placeholder values that validate as they are.
    public static let text = #"""
        # yaml-language-server: $schema=https://mailmig.dev/schemas/plan.v1.schema.json
        #
        # A mailmig plan: the whole migration, reviewed and versioned like code.
        # Check it with `mailmig validate`, preview with `mailmig plan`, run with `mailmig apply`.
        # `mailmig schema` prints the JSON Schema used for completion in editors.
        # Secrets are never written here, only references: env:NAME or file:PATH.
        mailmig: 1
        name: example-migration

        # Where mail comes from. mailmig only reads there; nothing is ever deleted on the source.
        source:
          imap: { host: imap.example.com, port: 993, tls: implicit }   # implicit | starttls | none
          login:
            # master-user (Dovecot "{mailbox}*{admin}"), authzid (AUTHENTICATE PLAIN) or per-mailbox
            style: master-user
            admin: { user: admin, password: env:SOURCE_ADMIN_PASSWORD }
          connections: 8                 # at most this many connections at once
          # CardDAV/CalDAV of the same mailboxes, with the same login, for collections: below.
          # dav: { url: "https://dav.example.com/" }

        # Where mail goes.
        target:
          imap: { host: imap.example.net, port: 993, tls: implicit }
          login:
            style: master-user
            admin: { user: admin, password: env:TARGET_ADMIN_PASSWORD }
          # Optional: how to create a missing mailbox (a program and its arguments, not a shell line).
          # provision:
          #   create: [./create-user.sh, "{target}"]
          # dav: { url: "https://dav.example.net/" }

        # DNS servers mailmig may update (RFC 2136 with a TSIG key).
        dns:
          providers:
            primary:
              rfc2136:
                server: ns1.example.com:53
                key: { name: mailmig, algorithm: hmac-sha256, secret: file:secrets/tsig.key }

        # Domains whose mail moves. Changing route to target is the cutover; back to source rolls it back.
        domains:
          - name: example.com
            dns: primary
            verify: { type: TXT, value: "target-verification=replace-me" }   # proves ownership to the target
            route: source
            cutover:
              lower_ttl_to: 300          # seconds, applied ahead of the cutover
              records:
                - { type: MX, values: ["10 mx.example.net."] }
                - { type: TXT, match: "v=spf1", values: ["v=spf1 include:spf.example.net -all"] }

        # The mailboxes to move: an address, a source/target mapping with tags, or import: FILE.csv.
        mailboxes:
          - alice@example.com
          - { source: bob@example.com, target: robert@example.com, tags: [vip] }

        # Folder names use "/" between levels. Special folders are matched by role when automap is on.
        folders:
          automap: true
          map: { "Sent Items": Sent }
          exclude: [Junk]

        # Larger messages are skipped and reported, never dropped silently.
        filters:
          max_message_size: 35MB

        # A target folder that already holds mail the state does not know (welcome messages, another
        # tool's copy) holds its mailbox back until this says what to do: target records the copies
        # found there instead of copying them again; none copies everything beside them.
        # dedupe: target

        # A local copy of every source mailbox (Maildir with a manifest), brought up to date by every
        # pass before it copies to the target; check it with mailmig verify --backup.
        # backup: { path: backups/ }

        # Contacts, calendars and tasks too (needs dav: on both sides); events are stored so that the
        # target sends no invitation. See docs/collections.md.
        # collections: { contacts: true, calendars: true, tasks: true, exclude: [Birthdays] }

        # Batches move through the stages prepare, presync, sync and final; a mailbox is in one batch.
        batches:
          - { name: pilot, mailboxes: [alice@example.com], stage: sync }
          - { name: everyone, select: rest, stage: presync }

        # presync copies mail older than this, ahead of the cutover.
        stages:
          presync: { older_than: 30d }

        """#

    /// The line of `.gitignore` that keeps the state folder out of the repository.
    public static let ignoreLine = ".mailmig/"

    /// What `init` appends to `.gitignore` when `ignoreLine` is not there yet.
    public static let ignoreBlock = "# mailmig state: never commit it (it is local and may be large)\n.mailmig/\n"
}
