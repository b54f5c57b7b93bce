"""The ``ladder`` console command: the Flask CLI bound to the app factory."""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask.cli import FlaskGroup

if TYPE_CHECKING:
    from flask import Flask


def main() -> None:
    cli = FlaskGroup(create_app=lambda: _create_app(), help="Ladder command line.")
    cli.main(prog_name="ladder")


def _create_app() -> Flask:
    from app import create_app

    return create_app()
