"""``ladder user create|set-password``: accounts from the shell, for the first administrator of
a new installation and for an administrator who is locked out.

Both go through the service the admin pages use (``save_user``), so the password policy,
hashing, email normalisation, audit trail and the reset's ending of sessions and tokens are the
same. There is no signed-in person here: the audit trail records no actor (shown as *system*).
"""

from __future__ import annotations

import sys

import click
from flask.cli import with_appcontext
from flask_babel import force_locale
from sqlalchemy import select

from app.commands.models import fail
from models import LOCALES, Role

#: The limits of the admin page's user form.
MAX_EMAIL = 254
MAX_NAME = 100

PASSWORD_STDIN = click.option(
    "--password-stdin",
    is_flag=True,
    help="Read the password from the first line of stdin instead of prompting (for scripts).",
)


def _read_password(from_stdin: bool) -> str:
    if not from_stdin:
        return str(click.prompt("Password", hide_input=True, confirmation_prompt=True, err=True))
    line = sys.stdin.readline()
    password = line.removesuffix("\n").removesuffix("\r")  # otherwise exactly as given
    if not password:
        fail("no password on stdin (give it on the first line)")
    return password


def _check_account(email: str, display_name: str) -> None:
    """The checks the admin page's form makes before the service runs."""
    from email_validator import EmailNotValidError, validate_email

    try:
        validate_email(email.strip(), check_deliverability=False, allow_smtputf8=True)
    except EmailNotValidError as error:
        fail(f"{email!r} is not an email address: {error}")
    if len(email.strip()) > MAX_EMAIL:
        fail(f"the email must have at most {MAX_EMAIL} characters")
    if not display_name.strip():
        fail("the display name must not be empty")
    if len(display_name.strip()) > MAX_NAME:
        fail(f"the display name must have at most {MAX_NAME} characters")


@click.group("user")
def user_group() -> None:
    """Accounts: the first administrator, or a new password for a locked-out one."""


@user_group.command("create")
@click.argument("email")
@click.option(
    "--role",
    type=click.Choice([role.value for role in Role]),
    required=True,
    help="The account's role.",
)
@click.option("--name", "display_name", required=True, help="Display name.")
@click.option(
    "--locale",
    type=click.Choice(LOCALES),
    default=LOCALES[0],
    show_default=True,
    help="Language of the account's pages.",
)
@PASSWORD_STDIN
@with_appcontext
def create_command(
    email: str, role: str, display_name: str, locale: str, password_stdin: bool
) -> None:
    """Create the account EMAIL; the password is prompted for twice (hidden)."""
    from app.extensions import db
    from app.services.errors import ServiceError
    from app.services.org import save_user

    _check_account(email, display_name)
    password = _read_password(password_stdin)
    with force_locale("en"):
        try:
            user = save_user(
                None,
                None,
                email=email,
                display_name=display_name,
                role=Role(role),
                locale=locale,
                password=password,
            )
            db.session.commit()
        except ServiceError as error:
            db.session.rollback()
            fail(error.message)
    click.echo(f"Created the {user.role.value} account {user.email}.")


@user_group.command("set-password")
@click.argument("email")
@PASSWORD_STDIN
@with_appcontext
def set_password_command(email: str, password_stdin: bool) -> None:
    """Set a new password for the account EMAIL, as an administrator's reset does: every
    session of the account ends and its API tokens are revoked."""
    from app.extensions import db
    from app.services.errors import ServiceError
    from app.services.org import normalise_email, save_user
    from models import User

    user = db.session.scalar(select(User).where(User.email == normalise_email(email)))
    if user is None:
        fail(f"no account with the email {email!r}")
    password = _read_password(password_stdin)
    with force_locale("en"):
        try:
            save_user(
                None,
                user,
                email=user.email,
                display_name=user.display_name,
                role=user.role,
                locale=user.locale,
                active=user.active,
                password=password,
                business_line_ids=[bl.id for bl in user.business_lines],
            )
            db.session.commit()
        except ServiceError as error:
            db.session.rollback()
            fail(error.message)
    click.echo(f"Set a new password for {user.email}; its sessions and API tokens have ended.")
    if not user.active:
        click.echo(
            "Note: the account is disabled; an administrator must enable it before it can sign in.",
            err=True,
        )
