"""Bearer-token sign-in for the JSON API, plugged into Flask-Login.

The API is cookie-less: on ``/api/`` paths the session is ignored and only
``Authorization: Bearer TOKEN`` identifies the user, through Flask-Login's request loader.
So ``current_user`` and the ``@signed_in``/``@roles`` declarations work as for pages, and
``unauthorized`` answers a JSON 401 there instead of the redirect to the sign-in page.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar, cast

from flask import Request, current_app, flash, g, redirect, request
from flask_babel import gettext as _
from flask_login import login_url
from werkzeug.wrappers import Response

from app.errors import render_error
from app.extensions import login_manager
from app.services.tokens import token_for_request
from models import User

API_PREFIX = "/api/"
View = TypeVar("View", bound=Callable[..., Any])


def is_api_request() -> bool:
    return request.path.startswith(API_PREFIX)


def bearer_token(req: Request) -> str | None:
    """The token of an ``Authorization: Bearer TOKEN`` header, or None."""
    scheme, _sep, token = req.headers.get("Authorization", "").strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


def load_user_from_bearer(req: Request) -> User | None:
    if not is_api_request():
        return None
    token = bearer_token(req)
    g.api_token_sent = token is not None
    row = token_for_request(token) if token else None
    if row is None:
        return None
    g.api_token_scopes = frozenset(row.scope_list)
    return row.user


def require_scope(scope: str) -> Callable[[View], View]:
    """Declare that an API view needs a token carrying ``scope`` (put it under ``@roles`` or
    ``@signed_in``): a token without it gets a JSON 403 naming the scope."""

    def decorate(view: View) -> View:
        @functools.wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if scope not in g.get("api_token_scopes", frozenset()):
                message = _(
                    "This token lacks the scope %(scope)s. Create a token with it: "
                    "ladder token create EMAIL --scope %(scope)s.",
                    scope=scope,
                )
                return render_error(403, message)
            return view(*args, **kwargs)

        return cast(View, wrapped)

    return decorate


def unauthorized() -> Response | tuple[object, int]:
    """401 JSON for the API; for pages, Flask-Login's usual redirect to the sign-in page."""
    if is_api_request():
        if g.get("api_token_sent"):
            message = _("The API token is invalid, revoked, or its account is disabled.")
        else:
            message = _("Send an API token in the header: Authorization: Bearer TOKEN.")
        body, status = render_error(401, message)
        response = current_app.make_response((body, status))
        response.headers["WWW-Authenticate"] = 'Bearer realm="ladder"'
        return response
    manager = login_manager
    if manager.login_message:
        flash(manager.login_message, category=manager.login_message_category)
    return redirect(login_url(manager.login_view, next_url=request.url))
