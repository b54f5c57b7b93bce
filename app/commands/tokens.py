"""``ladder token create EMAIL [--name NAME] [--scope SCOPE]…``: a personal API token for
scripts."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from app.commands.models import fail


@click.group("token")
def token_group() -> None:
    """Personal access tokens for the JSON API."""


@token_group.command("create")
@click.argument("email")
@click.option("--name", default="ladder token create", show_default=True, help="A label.")
@click.option(
    "--scope",
    "scopes",
    multiple=True,
    metavar="SCOPE",
    help="read (always), kpi:write or themes:run (PMO and admin accounts only); repeatable.",
)
@with_appcontext
def create_command(email: str, name: str, scopes: tuple[str, ...]) -> None:
    """Create a token for the account EMAIL and print it (only the token, on one line).

    The token is shown this once: Ladder stores only its SHA-256. Every token reads; --scope
    kpi:write lets it push KPI values, --scope themes:run start clustering runs.
    """
    from sqlalchemy import select

    from app.extensions import db
    from app.services.errors import ServiceError
    from app.services.org import normalise_email
    from app.services.tokens import create_token
    from models import User

    user = db.session.scalar(select(User).where(User.email == normalise_email(email)))
    if user is None:
        fail(f"no account with the email {email!r}")
    if not user.active:
        fail(f"the account {user.email} is disabled; enable it before creating a token")
    try:
        _row, token = create_token(None, user, name, scopes)
        db.session.commit()
    except ServiceError as error:
        db.session.rollback()
        fail(error.message)
    click.echo(token)
