"""Commands of the ``ladder`` CLI beyond Flask's own.

:data:`COMMANDS` names each command, where it lives and the first paragraph of its help, so
``ladder --help`` can list them without importing any (``app/cli.py``); a command's module is
imported when the command is used or the app is created. ``tests/test_cli_help.py`` checks the
list against the commands themselves.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    import click
    from flask import Flask


class LazyCommand(NamedTuple):
    """A command known by name before it is imported."""

    target: str
    """``module:attribute`` of the click command."""
    help: str
    """The first paragraph of its help, as ``ladder --help`` shortens it."""

    def load(self) -> click.Command:
        module, _, attribute = self.target.partition(":")
        command: click.Command = getattr(import_module(module), attribute)
        return command


COMMANDS: dict[str, LazyCommand] = {
    "demo": LazyCommand(
        "app.commands.demo:demo_command",
        "Migrate the database and seed a demo organisation; print every account.",
    ),
    "model": LazyCommand(
        "app.commands.models:model_group",
        "Maturity models: validate, show and import model files.",
    ),
    "score": LazyCommand(
        "app.commands.models:score_command",
        'Score a JSON file of ratings: {"model", "target_level", "ratings", "na_reasons"}.',
    ),
    "consolidate": LazyCommand(
        "app.commands.consolidate:consolidate_command",
        "Consolidate the ratings of several respondents:\n"
        '{"model", "target_level", "respondents": {NAME: {"ratings": {...}}}}.',
    ),
    "cluster": LazyCommand(
        "app.commands.cluster:cluster_command",
        "Cluster the pain points of a CSV, TSV or XLSX file into themes.",
    ),
    "token": LazyCommand(
        "app.commands.tokens:token_group", "Personal access tokens for the JSON API."
    ),
    "user": LazyCommand(
        "app.commands.users:user_group",
        "Accounts: the first administrator, or a new password for a locked-out one.",
    ),
    "backup": LazyCommand(
        "app.commands.backup:backup_command",
        "Write a complete, versioned archive of all data and evidence files to PATH (a .zip).",
    ),
    "restore": LazyCommand(
        "app.commands.backup:restore_command",
        "Restore an archive made by `ladder backup` into this (empty, migrated) database, and\n"
        "its evidence files into the evidence folder.",
    ),
    "worker": LazyCommand(
        "app.commands.worker:worker_command",
        "Run queued jobs (RQ on LADDER_REDIS_URL) and the periodic tasks, until stopped.",
    ),
    "remind": LazyCommand(
        "app.commands.notifications:remind_command",
        "Write today's reminders and each person's digest of what is due (assessments to fill\n"
        "or review, overdue backlog items, KPI measurements), then send the mail. Safe to run "
        "more\nthan once a day: a person gets one digest a day.",
    ),
    "notifications": LazyCommand(
        "app.commands.notifications:notifications_group",
        "The outbox of e-mail and group-bot messages.",
    ),
}


def register_commands(app: Flask) -> None:
    for name, command in COMMANDS.items():
        app.cli.add_command(command.load(), name)
