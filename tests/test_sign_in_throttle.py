"""Sign-in throttling per address and per account (issue 17, item 3; ASVS 5.0 6.3.1).

Only failed sign-ins count, so colleagues behind one NAT address do not lock each other out,
and an account tried from many addresses is slowed all the same. An unknown email is
throttled exactly like a known one: nothing tells which accounts exist."""

from __future__ import annotations

import re
import statistics
import time

from app.extensions import db
from app.services.org import save_user
from models import Role


def _attempt(client, email: str, password: str, address: str = "10.0.0.1"):
    return client.post(
        "/login",
        data={"email": email, "password": password},
        environ_base={"REMOTE_ADDR": address},
    )


def test_failures_on_one_account_do_not_lock_out_colleagues_behind_the_same_address(
    make_app, make_user
):
    throttled = make_app(LOGIN_RATE_LIMIT="100 per minute", LOGIN_ACCOUNT_RATE_LIMIT="3 per minute")
    careless, colleague = make_user(Role.PMO), make_user(Role.DIRECTOR)
    office = throttled.test_client()
    statuses = [_attempt(office, careless.email, "wrong").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    assert _attempt(office, careless.email, careless.password).status_code == 429
    assert _attempt(throttled.test_client(), colleague.email, colleague.password).status_code == 302


def test_an_account_tried_from_many_addresses_is_throttled(make_app, make_user):
    throttled = make_app(LOGIN_RATE_LIMIT="100 per minute", LOGIN_ACCOUNT_RATE_LIMIT="3 per minute")
    target = make_user(Role.ADMIN)
    client = throttled.test_client()
    statuses = [
        _attempt(client, target.email, "guess", address=f"198.51.100.{n}").status_code
        for n in range(1, 6)
    ]
    assert statuses == [200, 200, 200, 429, 429]
    refused = _attempt(client, f"  {target.email.upper()} ", "guess", address="203.0.113.9")
    assert refused.status_code == 429  # the same account, however it is typed


def test_successful_sign_ins_do_not_count(make_app, make_user):
    throttled = make_app(LOGIN_RATE_LIMIT="3 per minute", LOGIN_ACCOUNT_RATE_LIMIT="3 per minute")
    person = make_user(Role.PMO)
    for _ in range(5):
        browser = throttled.test_client()
        assert _attempt(browser, person.email, person.password).status_code == 302


def test_unknown_accounts_are_throttled_exactly_like_real_ones(make_app, make_user):
    throttled = make_app(LOGIN_RATE_LIMIT="100 per minute", LOGIN_ACCOUNT_RATE_LIMIT="2 per minute")
    real = make_user(Role.PMO)
    answers = {}
    for email in (real.email, "nobody@example.com"):
        client = throttled.test_client()
        answers[email] = [_attempt(client, email, "wrong") for _ in range(3)]
    real_answers, unknown_answers = answers.values()
    assert [r.status_code for r in real_answers] == [r.status_code for r in unknown_answers]
    assert [r.status_code for r in real_answers] == [200, 200, 429]
    assert _page(real_answers[1], real.email) == _page(unknown_answers[1], "nobody@example.com")
    assert _page(real_answers[2], real.email) == _page(unknown_answers[2], "nobody@example.com")


def _page(response, email: str) -> str:
    """The answer as a person sees it: the typed email and per-browser CSRF tokens aside."""
    return re.sub(r'value="[^"]*"', "", response.text.replace(email, ""))


def test_an_unknown_email_costs_as_much_time_as_a_wrong_password(make_app):
    """With a deliberately slow hash, a miss must not answer markedly faster than a wrong
    password (it did when the stand-in hash used another method than the real ones)."""
    slow = make_app(PASSWORD_HASH_METHOD="pbkdf2:sha256:1000000")
    with slow.app_context():
        save_user(
            None,
            None,
            email="timed@example.com",
            display_name="计时",
            role=Role.PMO,
            password="a-slow-passphrase",
        )
        db.session.commit()
    client = slow.test_client()

    def duration(email: str) -> float:
        started = time.perf_counter()
        assert _attempt(client, email, "wrong-guess").status_code == 200
        return time.perf_counter() - started

    duration("nobody@example.com")  # the stand-in hash is made once per process
    known = statistics.median(duration("timed@example.com") for _ in range(3))
    unknown = statistics.median(duration("nobody@example.com") for _ in range(3))
    assert unknown > 0.7 * known, (unknown, known)
