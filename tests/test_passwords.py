"""The password policy (issue 17, item 4; ASVS 5.0 V6.2) on every form that sets one."""

from __future__ import annotations

import pytest

from app.services.passwords import MIN_LENGTH, common_passwords
from models import Role
from tests.conftest import PASSWORD

COMMON_ZH = "该密码属于最常见的密码之一"


def _change(client, new: str, current: str = PASSWORD):
    return client.post(
        "/password", data={"current_password": current, "new_password": new, "confirm": new}
    )


def _still_old_password(app, person) -> bool:
    other = app.test_client()
    data = {"email": person.email, "password": PASSWORD}
    return other.post("/login", data=data).status_code == 302


@pytest.mark.parametrize("common", ["12345678", "password", "PassWord", "qwertyuiop", "iloveyou1"])
def test_a_common_password_is_refused_on_the_profile(app, client, login_as, common):
    person = login_as(Role.PMO)
    response = _change(client, common)
    assert response.status_code == 422
    assert COMMON_ZH in response.text
    assert _still_old_password(app, person)


def test_the_refusal_is_in_english_for_english_accounts(client, login_as):
    login_as(Role.PMO, locale="en")
    response = _change(client, "password1")
    assert response.status_code == 422
    assert "one of the most common ones" in response.text


@pytest.mark.parametrize(
    "good",
    [
        "correct horse battery staple",  # lower-case words: no composition rules
        "密码是一句很长的中文话",  # any characters
        "p" * 40 + "-" + "q" * 23,  # 64 characters
        "a long passphrase " * 11 + "xy",  # 200 characters, the maximum
    ],
)
def test_long_passphrases_of_any_characters_are_accepted(app, client, login_as, auth, good):
    person = login_as(Role.PMO)
    assert _change(client, good).status_code == 302
    auth.logout()
    assert auth.login(person, password=good).status_code == 302


def test_a_long_password_is_checked_whole_not_truncated(client, login_as, auth):
    person = login_as(Role.PMO)
    long = "x7-" * 30 + "END"  # 93 characters, past bcrypt's 72
    assert _change(client, long).status_code == 302
    auth.logout()
    assert auth.login(person, password=long[:72]).status_code == 200  # refused
    assert auth.login(person, password=long).status_code == 302


@pytest.mark.parametrize("bad", ["short12", "z" * 201])
def test_length_limits_are_enforced(app, client, login_as, bad):
    person = login_as(Role.PMO)
    response = _change(client, bad)
    assert 'class="error"' in response.text
    assert _still_old_password(app, person)


def test_a_password_made_of_the_email_name_is_refused(client, login_as):
    login_as(Role.PMO, email="zhangwei@example.com")
    response = _change(client, "zhangwei2026")
    assert response.status_code == 422
    assert "密码不能包含您的邮箱用户名或显示名称" in response.text


def test_an_admin_cannot_create_or_reset_with_a_common_password(app, client, login_as, make_user):
    login_as(Role.ADMIN)
    account = {"display_name": "新人", "role": "pmo", "locale": "zh_CN", "active": "y"}
    created = client.post(
        "/users/new", data={**account, "email": "new@example.com", "password": "12345678"}
    )
    assert created.status_code == 422
    assert COMMON_ZH in created.text
    assert "new@example.com" not in client.get("/users").text

    person = make_user(Role.PMO)
    reset = client.post(
        f"/users/{person.id}/edit", data={**account, "email": person.email, "password": "password"}
    )
    assert reset.status_code == 422
    assert COMMON_ZH in reset.text
    assert _still_old_password(app, person)


def test_the_shipped_list_covers_well_over_the_top_3000():
    words = common_passwords()
    assert len(words) > 3000
    assert all(len(w) >= MIN_LENGTH for w in words)
    assert {"12345678", "password", "iloveyou"} <= words


# ------------------------------------------------------------------ hashing (issue 14)


def _stored_hash(app, person) -> str:
    from app.extensions import db
    from models import User

    with app.app_context():
        return db.session.get(User, person.id).password_hash


def _set_hash(app, person, stored: str) -> None:
    from app.extensions import db
    from models import User

    with app.app_context():
        db.session.get(User, person.id).password_hash = stored
        db.session.commit()


@pytest.mark.parametrize("old_method", ["scrypt", "pbkdf2:sha256:1000"])
def test_an_old_hash_signs_in_and_is_replaced_by_argon2id(make_app, make_user, old_method):
    from werkzeug.security import generate_password_hash

    argon = make_app(PASSWORD_HASH_METHOD="argon2id")
    person = make_user(Role.PMO)
    _set_hash(argon, person, generate_password_hash(PASSWORD, method=old_method))
    client = argon.test_client()
    data = {"email": person.email, "password": PASSWORD}
    assert client.post("/login", data=data).status_code == 302
    stored = _stored_hash(argon, person)
    assert stored.startswith("$argon2id$v=19$m=19456,t=2,p=1$")
    client.post("/logout")
    assert client.post("/login", data=data).status_code == 302  # the new hash works
    assert _stored_hash(argon, person) == stored  # and is kept


def test_a_wrong_password_leaves_an_old_hash_alone(make_app, make_user):
    from werkzeug.security import generate_password_hash

    argon = make_app(PASSWORD_HASH_METHOD="argon2id")
    person = make_user(Role.PMO)
    old = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")
    _set_hash(argon, person, old)
    wrong = {"email": person.email, "password": "not-the-password"}
    assert argon.test_client().post("/login", data=wrong).status_code == 200
    assert _stored_hash(argon, person) == old


def test_new_passwords_are_hashed_with_argon2id_by_default(make_app, tmp_path, monkeypatch):
    from app.config import load_config
    from app.extensions import db
    from app.services.org import save_user

    monkeypatch.setenv("LADDER_SECRET_KEY", "k" * 32)
    assert load_config(str(tmp_path))["PASSWORD_HASH_METHOD"] == "argon2id"
    argon = make_app(PASSWORD_HASH_METHOD="argon2id")
    with argon.app_context():
        user = save_user(
            None,
            None,
            email="argon@example.com",
            display_name="阿尔贡",
            role=Role.PMO,
            password=PASSWORD,
        )
        db.session.commit()
        stored = user.password_hash
    assert stored.startswith("$argon2id$")
    data = {"email": "argon@example.com", "password": PASSWORD}
    assert argon.test_client().post("/login", data=data).status_code == 302
