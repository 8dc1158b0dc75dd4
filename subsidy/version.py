"""The application's version, written into backups' manifests (and nothing else imports Flask here)."""

#: Bumped by hand with each release handed to a commune.
APP_VERSION = "2026.1"
