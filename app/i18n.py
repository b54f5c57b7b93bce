"""Language selection: the user's own locale, else the session's choice, else zh_CN."""

from __future__ import annotations

from typing import Any

from babel.support import NullTranslations
from flask import Flask, has_request_context, session
from flask_babel import (
    format_date,
    format_datetime,
    format_decimal,
    format_percent,
    get_locale,
    get_translations,
)
from flask_login import current_user
from jinja2 import pass_context
from jinja2.runtime import Context

from app.config import DEFAULT_LOCALE
from app.extensions import babel
from models import LOCALES

LANGUAGE_NAMES = {"zh_CN": "中文", "en": "English"}


def select_locale() -> str:
    if not has_request_context():  # CLI commands: messages in the default language
        return DEFAULT_LOCALE
    chosen = session.get("locale")
    if chosen in LOCALES:
        return chosen
    if current_user and current_user.is_authenticated and current_user.locale in LOCALES:
        return current_user.locale
    return DEFAULT_LOCALE


def current_locale_code() -> str:
    """The app's own code of the active language (``zh_CN`` or ``en``)."""
    locale = get_locale()
    return "en" if locale is not None and locale.language == "en" else DEFAULT_LOCALE


def init_i18n(app: Flask) -> None:
    babel.init_app(app, locale_selector=select_locale)
    app.jinja_env.globals["LANGUAGE_NAMES"] = LANGUAGE_NAMES
    app.jinja_env.globals.update(
        current_locale_code=current_locale_code,
        format_date=format_date,
        format_datetime=format_datetime,
        format_decimal=format_decimal,
        format_percent=format_percent,
    )
    app.context_processor(_render_translations)
    # Added to the environment by Jinja's i18n extension, which Flask-Babel enables.
    app.jinja_env.install_gettext_callables(  # type: ignore[attr-defined]
        gettext=_template_gettext,
        ngettext=_template_ngettext,
        newstyle=True,
        pgettext=_template_pgettext,
        npgettext=_template_npgettext,
    )


#: The template context's name for the translations of the page being rendered.
TRANSLATIONS = "_translations"


def _render_translations() -> dict[str, object]:
    """Looked up once per rendered page: Flask-Babel's ``_()`` in a template finds the
    request's translations anew for every string (about 25 µs each, and a rating page has
    over a hundred), which this makes one dictionary lookup."""
    return {TRANSLATIONS: get_translations()}


def _translations(context: Context) -> NullTranslations:
    # Macros imported without context, and templates not rendered by Flask, ask Flask-Babel.
    found = context.get(TRANSLATIONS)
    return found if found is not None else get_translations()


@pass_context
def _template_gettext(context: Context, string: str) -> str:
    return _translations(context).ugettext(string)


@pass_context
def _template_ngettext(context: Context, singular: str, plural: str, num: int) -> str:
    return _translations(context).ungettext(singular, plural, num)


@pass_context
def _template_pgettext(context: Context, msgctxt: str, string: str) -> Any:
    return _translations(context).upgettext(msgctxt, string)


@pass_context
def _template_npgettext(
    context: Context, msgctxt: str, singular: str, plural: str, num: int
) -> Any:
    return _translations(context).unpgettext(msgctxt, singular, plural, num)
