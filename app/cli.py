"""The ``ladder`` console command: the Flask CLI bound to the app factory.

Listing the commands (``ladder --help``) and showing one command's help neither creates the app
nor imports the commands' modules: the names and help of Ladder's commands, Flask-Migrate's
``db`` and the installed Flask plugins' commands are known here (:data:`LAZY_COMMANDS`), and a
command's module is imported only when that command is asked for. The app is created when a
command that needs it runs (``with_appcontext``), exactly as Flask's own ``FlaskGroup`` would.
``tests/test_cli_help.py`` checks the list against what the app and the plugins register.
"""

from __future__ import annotations

from gettext import gettext
from typing import TYPE_CHECKING

import click
from flask.cli import FlaskGroup, ScriptInfo

from app.commands import COMMANDS, LazyCommand

if TYPE_CHECKING:
    from flask import Flask

#: Commands the app gets from its extensions and the installed plugins (``flask.commands``
#: entry points), beside Ladder's own :data:`app.commands.COMMANDS`.
EXTERNAL_COMMANDS: dict[str, LazyCommand] = {
    "db": LazyCommand("flask_migrate.cli:db", "Perform database migrations."),
    "limiter": LazyCommand(
        "flask_limiter.commands:cli", "Flask-Limiter maintenance & utility commands"
    ),
}
LAZY_COMMANDS: dict[str, LazyCommand] = {**COMMANDS, **EXTERNAL_COMMANDS}


class LadderGroup(FlaskGroup):
    """``FlaskGroup`` that knows the app's commands without creating the app.

    With ``--app``/``FLASK_APP`` naming another app, it is plain ``FlaskGroup``."""

    def _other_app(self, ctx: click.Context) -> bool:
        return ctx.ensure_object(ScriptInfo).app_import_path is not None

    def list_commands(self, ctx: click.Context) -> list[str]:
        if self._other_app(ctx):
            return super().list_commands(ctx)
        return sorted({*self.commands, *LAZY_COMMANDS})

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if not self._other_app(ctx) and name in LAZY_COMMANDS and name not in self.commands:
            self.add_command(LAZY_COMMANDS[name].load(), name)
        if name in self.commands:
            return self.commands[name]
        return super().get_command(ctx, name)  # unknown: Flask looks in plugins and the app

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """As click does, from the known help of the commands not imported yet."""
        if self._other_app(ctx):
            super().format_commands(ctx, formatter)
            return
        names = self.list_commands(ctx)
        limit = formatter.width - 6 - max(len(name) for name in names)
        rows = []
        for name in names:
            command = self.commands.get(name) or click.Command(name, help=LAZY_COMMANDS[name].help)
            if not command.hidden:
                rows.append((name, command.get_short_help_str(limit)))
        with formatter.section(gettext("Commands")):
            formatter.write_dl(rows)


def make_cli() -> FlaskGroup:
    """The ``ladder`` group: Flask's commands plus those the app registers."""
    return LadderGroup(create_app=lambda: _create_app(), help="Ladder command line.")


def main() -> None:
    make_cli().main(prog_name="ladder")


def _create_app() -> Flask:
    from app import create_app

    return create_app()
