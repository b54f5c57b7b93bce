"""``ladder --help`` lists every command the app registers, with the same help Flask's own
group gives, without creating the app or importing the commands (issue 14: a process start
under 1 s). The list in ``app/commands/__init__.py`` and ``app/cli.py`` is static, so these
tests are what keeps it true."""

from __future__ import annotations

import inspect
from importlib import metadata

import pytest
from click.testing import CliRunner
from flask import Flask
from flask.cli import FlaskGroup

from app.cli import LAZY_COMMANDS, LadderGroup, make_cli


def never_create_app() -> Flask:
    raise AssertionError("listing the commands created the app")


def test_the_lazy_list_is_every_command_of_the_app_flask_and_the_plugins(plain_app):
    flask_own = set(FlaskGroup().commands)  # run, shell, routes
    plugins = {ep.name for ep in metadata.entry_points(group="flask.commands")}
    registered = set(plain_app.cli.commands)
    assert set(LAZY_COMMANDS) == (registered | plugins) - flask_own
    for name, command in plain_app.cli.commands.items():
        assert LAZY_COMMANDS[name].load() is command, name
    for name, entry in LAZY_COMMANDS.items():
        first_paragraph = inspect.cleandoc(entry.load().help or "").partition("\n\n")[0]
        assert entry.help == first_paragraph, f"ladder {name}: help differs from the command's"


@pytest.mark.parametrize("width", [60, 80, 132])
def test_ladder_help_is_what_flask_prints_after_creating_the_app(plain_app, width):
    runner = CliRunner()
    eager = FlaskGroup(create_app=lambda: plain_app, help="Ladder command line.")
    lazy = LadderGroup(create_app=never_create_app, help="Ladder command line.")
    expected = runner.invoke(eager, ["--help"], terminal_width=width, prog_name="ladder")
    found = runner.invoke(lazy, ["--help"], terminal_width=width, prog_name="ladder")
    assert expected.exit_code == found.exit_code == 0
    for name in ("cluster", "db", "limiter", "run"):
        assert f"  {name} " in found.output
    assert found.output == expected.output


def test_each_command_help_is_the_same_without_the_app(plain_app):
    runner = CliRunner()
    eager = FlaskGroup(create_app=lambda: plain_app, help="Ladder command line.")
    lazy = LadderGroup(create_app=never_create_app, help="Ladder command line.")
    for name in sorted({*LAZY_COMMANDS, *eager.commands}):
        expected = runner.invoke(eager, [name, "--help"], prog_name="ladder")
        found = runner.invoke(lazy, [name, "--help"], prog_name="ladder")
        assert found.exit_code == expected.exit_code == 0, name
        assert found.output == expected.output, name


def test_a_command_that_needs_the_app_still_creates_it(plain_app):
    created = []

    def create() -> Flask:
        created.append(True)
        return plain_app

    result = CliRunner().invoke(
        LadderGroup(create_app=create), ["routes"], prog_name="ladder", catch_exceptions=False
    )
    assert result.exit_code == 0
    assert "/healthz" in result.output
    assert created


def test_an_unknown_command_is_refused():
    result = CliRunner().invoke(make_cli(), ["no-such-command"], prog_name="ladder")
    assert result.exit_code == 2
    assert "No such command 'no-such-command'" in result.output
