"""Chinese by default, English on request, and every string translated in both."""

from __future__ import annotations

import io
import re
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask_babel import force_locale, ngettext

from app.extensions import db
from app.quickwins.forms import MeasurementForm
from app.services.assessments import workflow as service
from app.services.assessments.model_store import ensure_builtin_models, latest_stored
from app.services.backlog.reviews import minutes_tables
from app.services.errors import ServiceError
from models import Assessment, Review, ReviewKind, Role, User
from tests.assessment_helpers import CMMI, REQM_ALL, open_assessment, rate

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "app" / "translations" / "zh_Hans_CN" / "LC_MESSAGES" / "messages.po"


def test_sign_in_page_is_chinese_by_default(client):
    page = client.get("/login").text
    assert "登录 Ladder" in page
    assert 'lang="zh-CN"' in page


def test_language_switch_works_before_and_after_sign_in(client, login_as):
    response = client.post("/language", data={"locale": "en", "next": "/login"})
    assert response.headers["Location"] == "/login"
    assert "Sign in to Ladder" in client.get("/login").text
    login_as(Role.PMO, locale="zh_CN")
    assert "下一步" in client.get("/").text  # the account's saved language wins at sign-in
    client.post("/language", data={"locale": "en"})
    assert "What to do next" in client.get("/").text


def test_language_choice_is_remembered_for_the_account(app, client, login_as, auth):
    person = login_as(Role.DIRECTOR)
    client.post("/language", data={"locale": "en"})
    auth.logout()
    auth.login(person)
    assert "What to do next" in client.get("/").text


def test_unknown_language_and_foreign_next_are_ignored(client):
    response = client.post("/language", data={"locale": "xx", "next": "https://evil.example"})
    assert response.headers["Location"] == "/"
    assert "登录 Ladder" in client.get("/login").text


def test_every_string_is_translated_in_both_catalogs():
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "i18n.py"), "check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr


def test_error_pages_speak_the_users_language(client):
    assert "此页面不存在" in client.get("/no-such-page").text
    client.post("/language", data={"locale": "en"})
    assert "This page does not exist" in client.get("/no-such-page").text


# Plural forms: English says "1 level" and "2 levels"; Chinese has one form for every count.


@pytest.mark.parametrize(
    ("target", "english"), [(2, "1 level below target"), (3, "2 levels below target")]
)
def test_results_page_counts_the_levels_below_target(
    app, client, login_as, make_user, make_business_line, target, english
):
    pmo = make_user(Role.PMO)
    director = login_as(Role.DIRECTOR, locale="en")
    line = make_business_line("SCM", "供应链", directors=(director.id,))
    assessment = open_assessment(app, pmo_id=pmo.id, line_id=line.id, target=target)
    rate(app, assessment, director.id, dict.fromkeys(REQM_ALL, "NI"))  # maturity level 1
    url = f"/cycles/assessments/{assessment}/results"
    page = client.get(url).text
    assert english in page
    assert "1 levels" not in page
    client.post("/language", data={"locale": "zh_CN"})
    assert f"低于目标 {target - 1} 级" in client.get(url).text


def test_home_page_counts_the_assessments_waiting_for_review(
    app, client, auth, make_user, make_business_line
):
    pmo = make_user(Role.PMO, locale="en")
    director = make_user(Role.DIRECTOR)
    for count, code in enumerate(("SCM", "MFG"), start=1):
        line = make_business_line(code, directors=(director.id,))
        assessment = open_assessment(
            app, pmo_id=pmo.id, line_id=line.id, name=f"2026 {code}", scope=("REQM",)
        )
        rate(app, assessment, director.id, dict.fromkeys(REQM_ALL, "FI"))
        with app.app_context():
            service.submit(
                db.session.get(User, director.id), db.session.get(Assessment, assessment)
            )
            db.session.commit()
        auth.login(pmo)
        home = client.get("/").text
        if count == 1:
            assert "1 assessment waits for your review" in home
            assert "assessments wait" not in home
        else:
            assert "2 assessments wait for your review" in home
        client.post("/language", data={"locale": "zh_CN"})
        assert f"{count} 份评估等待您审核" in client.get("/").text
        client.post("/language", data={"locale": "en"})
        auth.logout()


def test_every_plural_message_has_its_chinese_for_any_count(app):
    with PO.open("rb") as fh:
        catalog = read_po(fh)
    plurals = [m for m in catalog if m.pluralizable]
    assert len(plurals) >= 25
    with app.test_request_context():
        for message in plurals:
            singular, plural = message.id
            variables = dict.fromkeys(set(re.findall(r"%\((\w+)\)s", plural)) - {"num"}, "7")
            with force_locale("en"):
                assert ngettext(singular, plural, 1, **variables) == singular % {
                    **variables,
                    "num": 1,
                }
                assert ngettext(singular, plural, 2, **variables) == plural % {
                    **variables,
                    "num": 2,
                }
            with force_locale("zh_CN"):
                for count in (1, 2):
                    chinese = ngettext(singular, plural, count, **variables)
                    assert chinese == message.string[0] % {**variables, "num": count}
                    assert re.search(r"[\u4e00-\u9fff]", chinese), chinese


# Context: one English word, two Chinese words.


def test_value_is_a_measured_number_on_the_kpi_form_and_a_value_in_the_minutes(app):
    review = Review(kind=ReviewKind.MONTHLY, held_on=date(2026, 3, 2), attendees="", notes="")
    with app.test_request_context():
        with force_locale("zh_CN"):
            assert MeasurementForm(meta={"csrf": False}).value.label.text == "数值"
            facts = minutes_tables(review, "月度评审")[0]
            assert (facts.title, facts.headers) == ("会议信息", ("字段", "值"))
        with force_locale("en"):
            assert MeasurementForm(meta={"csrf": False}).value.label.text == "Value"
            facts = minutes_tables(review, "Monthly")[0]
            assert (facts.title, facts.headers) == ("Meeting", ("Field", "Value"))


# The check itself, on a small code base and catalog of its own.

FIXTURE_CODE = """\
from flask_babel import gettext as _, ngettext, pgettext

_("Save")
ngettext("%(num)s file", "%(num)s files", 2)
pgettext("table column", "Value")
"""
FIXTURE_HEADER = """\
msgid ""
msgstr ""
"Language: zh_Hans_CN\\n"
"Plural-Forms: nplurals=1; plural=0;\\n"
"Content-Type: text/plain; charset=utf-8\\n"

"""
FIXTURE_PO = """\
msgid "Save"
msgstr "保存"

#, python-format
msgid "%(num)s file"
msgid_plural "%(num)s files"
msgstr[0] "%(num)s 个文件"

msgctxt "table column"
msgid "Value"
msgstr "值"
"""


def run_check(tmp_path: Path, po: str, *, compile_from: str | None = None):
    """The check on the fixture code and a catalog ``po``, its .mo compiled from
    ``compile_from`` (default: the same catalog)."""
    (tmp_path / "src").mkdir(exist_ok=True)
    (tmp_path / "src" / "views.py").write_text(FIXTURE_CODE, encoding="utf-8")
    (tmp_path / "babel.cfg").write_text("[python: **.py]\n", encoding="utf-8")
    folder = tmp_path / "translations" / "zh_Hans_CN" / "LC_MESSAGES"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "messages.po").write_text(FIXTURE_HEADER + po, encoding="utf-8")
    source = FIXTURE_HEADER + (po if compile_from is None else compile_from)
    with (folder / "messages.mo").open("wb") as fh:
        write_mo(fh, read_po(io.BytesIO(source.encode())))
    return subprocess.run(
        [
            sys.executable,
            str(ROOT / "scripts" / "i18n.py"),
            "check",
            "--source",
            str(tmp_path / "src"),
            "--mapping",
            str(tmp_path / "babel.cfg"),
            "--translations",
            str(tmp_path / "translations"),
        ],
        capture_output=True,
        text=True,
        check=False,
    )


def test_check_passes_a_complete_catalog(tmp_path):
    result = run_check(tmp_path, FIXTURE_PO)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    ("po", "complaint"),
    [
        pytest.param(
            FIXTURE_PO.replace('msgid "Save"\nmsgstr "保存"\n', ""),
            "not translated: Save",
            id="a string of the code has no entry",
        ),
        pytest.param(
            FIXTURE_PO.replace('"保存"', '""'), "not translated: Save", id="an empty translation"
        ),
        pytest.param(
            FIXTURE_PO.replace('msgstr[0] "%(num)s 个文件"', 'msgstr[0] ""'),
            "not translated: %(num)s file",
            id="an empty plural form",
        ),
        pytest.param(
            FIXTURE_PO.replace('msgctxt "table column"\n', ""),
            "not translated: [table column] Value",
            id="the context is missing",
        ),
        pytest.param(
            FIXTURE_PO.replace('msgid_plural "%(num)s files"', 'msgid_plural "%(num)s filez"'),
            "plural form differs from the code's: %(num)s file",
            id="the English plural differs from the code's",
        ),
        pytest.param(
            FIXTURE_PO.replace('msgid "Save"', '#, fuzzy\nmsgid "Save"'),
            "fuzzy (check the translation, then drop the flag): Save",
            id="a fuzzy entry",
        ),
        pytest.param(
            FIXTURE_PO + '\n#~ msgid "Open"\n#~ msgstr "打开"\n',
            "obsolete #~ entry (delete it): Open",
            id="an obsolete entry",
        ),
        pytest.param(
            FIXTURE_PO + '\nmsgid "Open"\nmsgstr "打开"\n',
            "no longer in the code (delete it): Open",
            id="an entry the code no longer has",
        ),
        pytest.param(
            FIXTURE_PO + '\nmsgid "Save"\nmsgstr "储存"\n',
            "translated twice (保存 | 储存): Save",
            id="one msgid translated twice",
        ),
        pytest.param(
            FIXTURE_PO.replace('msgstr[0] "%(num)s 个文件"', 'msgstr[0] "%(n)s 个文件"'),
            "unknown named placeholder 'n'",
            id="a placeholder the English lacks",
        ),
    ],
)
def test_check_fails_on(tmp_path, po, complaint):
    result = run_check(tmp_path, po)
    assert result.returncode == 1
    assert f"zh_Hans_CN: {complaint}" in result.stderr


def test_check_fails_on_a_compiled_catalog_older_than_its_po(tmp_path):
    result = run_check(tmp_path, FIXTURE_PO, compile_from=FIXTURE_PO.replace("保存", "存盘"))
    assert result.returncode == 1
    assert "messages.mo is out of date with messages.po: run make translations" in result.stderr


@pytest.mark.parametrize(
    ("scope", "english"),
    [
        (["REQM", "XYZ"], "Unknown process area: XYZ"),
        (["XYZ", "QQQ"], "Unknown process areas: QQQ, XYZ"),
    ],
)
def test_unknown_process_areas_are_counted(app, make_user, make_business_line, scope, english):
    pmo = make_user(Role.PMO)
    line = make_business_line("SCM")
    with app.test_request_context():
        ensure_builtin_models()
        model = latest_stored(CMMI)
        for locale, expected in (("en", english), ("zh_CN", "未知的过程域：")):
            with force_locale(locale), pytest.raises(ServiceError) as refused:
                service.create_cycle(
                    db.session.get(User, pmo.id),
                    name="2026 H1",
                    model=model,
                    start=date(2026, 1, 1),
                    end=date(2026, 6, 28),
                    targets={line.id: 2},
                    scope=scope,
                )
            assert expected in refused.value.message
