"""Who may use which route.

Every view declares its audience with exactly one of the decorators below; a
``before_request`` hook refuses any endpoint that declares nothing (fail closed), and a
test walks ``app.url_map`` so an undeclared route is caught before it ships.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeGuard, TypeVar
from urllib.parse import unquote_to_bytes, urlsplit

from flask import abort, current_app, has_request_context, request
from flask_babel import gettext as _
from flask_login import current_user

from app.errors import render_error
from app.extensions import login_manager
from assessments.text_rules import first_control_character
from models import Role

F = TypeVar("F", bound=Callable[..., Any])

PUBLIC = "public"
SIGNED_IN = "signed-in"
ANY_ACCOUNT = "any-account"
ALL_ROLES = frozenset(Role)


def _declare(view: F, audience: frozenset[Role] | str) -> F:
    view.access = audience  # type: ignore[attr-defined]  # the rule rides on the view function
    return view


def public(view: F) -> F:
    """Anyone, signed in or not (sign-in page, health checks, anonymous surveys)."""
    return _declare(view, PUBLIC)


def signed_in(view: F) -> F:
    """Any active signed-in member of staff: every role but ``respondent``, who sees only
    the practices assigned to them."""
    return _declare(view, SIGNED_IN)


def any_account(view: F) -> F:
    """Any active signed-in user, respondents included: the home page, one's password and
    sign-in sessions."""
    return _declare(view, ANY_ACCOUNT)


def roles(*allowed: Role) -> Callable[[F], F]:
    """Signed-in users with one of ``allowed`` roles; others get 403."""

    def decorator(view: F) -> F:
        return _declare(view, frozenset(allowed))

    return decorator


def untracked(view: F) -> F:
    """A page that must leave no trace of who opened it: anonymous survey answers. Its
    log line carries no user, and a signed-in visitor's session is not marked as seen,
    so neither can be matched with the time an answer was stored."""
    view.untracked = True  # type: ignore[attr-defined]
    return view


def is_untracked_request() -> bool:
    if not has_request_context() or request.endpoint is None:
        return False
    view = current_app.view_functions.get(request.endpoint)
    return bool(getattr(view, "untracked", False))


def declared_access(endpoint: str | None) -> frozenset[Role] | str | None:
    if endpoint is None:
        return None
    view = current_app.view_functions.get(endpoint)
    return getattr(view, "access", None)


def role_may_open(role: Role, endpoint: str) -> bool:
    """Whether a signed-in user of ``role`` passes the declared audience of ``endpoint``;
    an endpoint that declares none is closed to everyone."""
    return _admits(declared_access(endpoint), role)


def _admits(access: object, role: Role) -> bool:
    """Whether a signed-in ``role`` passes the audience ``access`` (None: nobody)."""
    if access in (PUBLIC, ANY_ACCOUNT):
        return True
    if access == SIGNED_IN:
        return role is not Role.RESPONDENT
    return isinstance(access, frozenset) and role in access


def enforce_declared_access() -> Any:
    """``before_request`` hook: apply the declaration of the matched endpoint."""
    if request.endpoint is None:  # 404s and 405s: let Flask answer them
        return None
    if request.endpoint == "static":
        return None
    access = declared_access(request.endpoint)
    if access is None:
        current_app.logger.error("route %s declares no access rule", request.endpoint)
        abort(403)
    if access == PUBLIC:
        return None
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    if not _admits(access, current_user.role):
        abort(403)
    return None


def is_safe_redirect(target: str | None) -> TypeGuard[str]:
    """Only same-site, path-only targets: no scheme, host, ``//`` or backslash tricks."""
    if not target:
        return False
    if "\\" in target or any(ord(ch) < 32 for ch in target):
        return False
    parts = urlsplit(target)
    return (
        not parts.scheme
        and not parts.netloc
        and target.startswith("/")
        and (not target.startswith("//"))
    )


URLENCODED = "application/x-www-form-urlencoded"


def _invalid_utf8(encoded: bytes) -> bool:
    """Whether url-encoded ``name=value&...`` bytes hold text that is not UTF-8. Werkzeug
    keeps such bytes as literal ``%XX`` text, which would be stored as it is."""
    try:
        unquote_to_bytes(encoded.replace(b"+", b" ")).decode("utf-8")
    except UnicodeDecodeError:
        return True
    return False


def _unstorable(text: str) -> bool:
    # U+FFFD is what invalid UTF-8 in a multipart field becomes when Werkzeug decodes it.
    return first_control_character(text) is not None or "\ufffd" in text


def refuse_unstorable_input() -> Any:
    """``before_request`` hook: the text rule for every form and query string. Refuse
    fields and query parameters holding text that PostgreSQL (NUL) or a spreadsheet export
    (control characters) cannot keep, or that was not valid UTF-8, with a 400 that says
    why, before any view saves part of it. Uploaded files follow the same rule in
    ``app.services.tabular``."""
    if request.endpoint == "static":
        return None
    raw = [request.query_string]
    fields = [*request.args.lists()]
    if request.method == "POST" and request.mimetype in (URLENCODED, "multipart/form-data"):
        if request.mimetype == URLENCODED:
            raw.append(request.get_data(cache=True))
        fields += request.form.lists()
    if any(_invalid_utf8(part) for part in raw) or any(
        _unstorable(text) for name, values in fields for text in (name, *values)
    ):
        return render_error(
            400,
            _(
                "The form contains characters that cannot be saved: control characters "
                "or text that is not valid UTF-8. Remove them and try again."
            ),
        )
    return None
