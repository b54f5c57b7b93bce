"""The ``ladder`` console command: the Flask CLI bound to the app factory."""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask.cli import FlaskGroup

if TYPE_CHECKING:
    from flask import Flask


def make_cli() -> FlaskGroup:
    """The ``ladder`` group: Flask's commands plus those the app registers."""
    return FlaskGroup(create_app=lambda: _create_app(), help="Ladder command line.")


def main() -> None:
    make_cli().main(prog_name="ladder")


def _create_app() -> Flask:
    from app import create_app

    return create_app()
