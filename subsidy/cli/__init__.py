"""Flask commands (`flask --app app …`), grouped by topic, registered from the explicit lists below.

Each command exits 0 on success and non-zero with a one-line Vietnamese reason on failure
(subsidy.cli.common.fail); they call the same services as the web forms and commit once.
"""
from __future__ import annotations

from flask import Flask

from subsidy.cli import accounts, backup, communes, db, households, reports, retention, rulesets, samples

#: Command groups (`flask --app app db upgrade`, …).
GROUPS = (db.db_cli,)

#: Top-level commands, by topic.
COMMANDS = (
    accounts.ensure_admin, accounts.create_user, accounts.reset_password,
    communes.create_commune, communes.import_commune_db,
    households.import_households_cmd, households.export_households_cmd,
    rulesets.load_rulesets, rulesets.check_applications,
    reports.tally_command, reports.annual_report_command, reports.rebuild_state_spans_command,
    samples.sample_documents_cmd,
    backup.backup_cmd, backup.restore_cmd, retention.prune_view_log_cmd,
)


def init_app(app: Flask) -> None:
    """Add every group of GROUPS and command of COMMANDS to ``app.cli``."""
    for command in (*GROUPS, *COMMANDS):
        app.cli.add_command(command)
