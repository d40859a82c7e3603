"""Mail in: mailbox settings, IMAP sync, .mbox import and the suggestions read from mail."""
