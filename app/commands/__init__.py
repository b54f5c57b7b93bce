"""Commands of the ``ladder`` CLI beyond Flask's own."""

from __future__ import annotations

from flask import Flask

from app.commands.demo import demo_command


def register_commands(app: Flask) -> None:
    app.cli.add_command(demo_command)
