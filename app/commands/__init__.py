"""Commands of the ``ladder`` CLI beyond Flask's own."""

from __future__ import annotations

from flask import Flask

from app.commands.backup import backup_command, restore_command
from app.commands.cluster import cluster_command
from app.commands.demo import demo_command
from app.commands.models import model_group, score_command
from app.commands.notifications import notifications_group, remind_command
from app.commands.tokens import token_group
from app.commands.users import user_group


def register_commands(app: Flask) -> None:
    for command in (
        demo_command,
        model_group,
        score_command,
        cluster_command,
        token_group,
        user_group,
        backup_command,
        restore_command,
        remind_command,
        notifications_group,
    ):
        app.cli.add_command(command)
