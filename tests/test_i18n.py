"""Chinese by default, English on request, and every string translated in both."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from models import Role

ROOT = Path(__file__).resolve().parent.parent


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
