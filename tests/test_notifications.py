"""Notifications: the in-app centre, mail to a real SMTP server, group bots in each vendor's
format and signature, the daily digest, and who is (and is not) told."""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.services.assessments import workflow
from app.services.notifications.sending import send_due
from models import (
    Assessment,
    Channel,
    Delivery,
    DeliveryStatus,
    Notification,
    NotificationKind,
    Role,
    User,
    WebhookChannel,
)
from models.base import utcnow
from tests.assessment_support import assessment_id_of, make_cycle, rate_all, scope_practices
from tests.backlog_helpers import make_item
from tests.notification_support import bot_receiver, free_port, smtp_server

__all__ = ["bot_receiver", "smtp_server"]


def _notices(app, user_id: int, kind: NotificationKind | None = None) -> list[Notification]:
    with app.app_context():
        stmt = select(Notification).where(Notification.user_id == user_id)
        if kind is not None:
            stmt = stmt.where(Notification.kind == kind)
        rows = list(db.session.scalars(stmt.order_by(Notification.id)))
        db.session.expunge_all()
        return rows


def _world(app, make_user, make_business_line):
    pmo = make_user(Role.PMO, email="pmo@example.com")
    director = make_user(Role.DIRECTOR, email="dir-a@example.com")
    other = make_user(Role.DIRECTOR, email="dir-b@example.com")
    line_a = make_business_line("LA", "供应链", directors=(director.id,))
    line_b = make_business_line("LB", "销售", directors=(other.id,))
    cycle_id = make_cycle(app, pmo.id, {line_a.id: 2, line_b.id: 2})
    return pmo, director, other, line_a, line_b, assessment_id_of(app, cycle_id, line_a.id)


def _submit(app, assessment_id: int, director_id: int) -> None:
    rate_all(app, assessment_id, director_id)
    with app.app_context():
        workflow.submit(
            db.session.get(User, director_id), db.session.get(Assessment, assessment_id)
        )
        db.session.commit()


def test_opening_a_cycle_tells_each_director_of_their_own_line_only(
    app, make_user, make_business_line
):
    _pmo, director, other, *_rest = _world(app, make_user, make_business_line)
    (mine,) = _notices(app, director.id, NotificationKind.ASSESSMENT_OPENED)
    (theirs,) = _notices(app, other.id, NotificationKind.ASSESSMENT_OPENED)
    assert "供应链" in mine.params["assessment"]
    assert "销售" in theirs.params["assessment"]


def test_a_submission_reaches_the_pmo_in_the_bell_the_list_and_by_mail(
    app, client, auth, make_user, make_business_line, smtp_server, monkeypatch
):
    url, mailbox = smtp_server
    monkeypatch.setitem(app.config, "LADDER_SMTP_URL", url)
    pmo, director, _other, _a, _b, assessment_id = _world(app, make_user, make_business_line)
    _submit(app, assessment_id, director.id)

    auth.login(pmo)
    assert 'data-unread="1"' in client.get("/").text
    page = client.get("/notifications/").text
    assert "提交了" in page
    assert "供应链" in page
    with app.app_context():
        _sent, failed = send_due()
    assert failed == 0
    (mail,) = mailbox.to("pmo@example.com")
    assert "供应链" in mailbox.subject(mail)
    assert f"/cycles/assessments/{assessment_id}" in mailbox.text(mail)
    # the director who submitted is not told about their own action
    assert _notices(app, director.id, NotificationKind.ASSESSMENT_SUBMITTED) == []


def test_a_returned_assessment_tells_its_directors_with_comments_per_area(
    app, make_user, make_business_line, smtp_server, monkeypatch
):
    url, mailbox = smtp_server
    monkeypatch.setitem(app.config, "LADDER_SMTP_URL", url)
    pmo, director, other, _a, _b, assessment_id = _world(app, make_user, make_business_line)
    _submit(app, assessment_id, director.id)
    first, second = scope_practices()[:2]
    with app.app_context():
        workflow.return_for_changes(
            db.session.get(User, pmo.id),
            db.session.get(Assessment, assessment_id),
            "证据不足",
            {first: "请补充会议纪要", second: "请附上链接"},
        )
        db.session.commit()
        send_due()
    (notice,) = _notices(app, director.id, NotificationKind.ASSESSMENT_RETURNED)
    area = first.split(".")[0]
    assert notice.params["areas"] == {area: 2}
    assert _notices(app, other.id, NotificationKind.ASSESSMENT_RETURNED) == []
    (mail,) = [m for m in mailbox.to("dir-a@example.com") if "退回" in mailbox.subject(m)]
    body = mailbox.text(mail)
    assert "证据不足" in body
    assert f"{area}：2 条意见" in body
    assert not [m for m in mailbox.to("dir-b@example.com") if "退回" in mailbox.subject(m)]


def test_mail_stops_for_people_who_turn_it_off_but_the_centre_keeps_everything(
    app, client, auth, make_user, make_business_line
):
    pmo, director, *_rest, assessment_id = _world(app, make_user, make_business_line)
    auth.login(pmo)
    page = client.get("/notifications/settings")
    assert page.status_code == 200
    saved = client.post("/notifications/settings", data={"digest": "y"})
    assert saved.status_code == 302
    _submit(app, assessment_id, director.id)
    with app.app_context():
        mails = db.session.scalars(
            select(Delivery.recipient).where(Delivery.channel == Channel.EMAIL)
        ).all()
    assert "pmo@example.com" not in mails
    assert len(_notices(app, pmo.id, NotificationKind.ASSESSMENT_SUBMITTED)) == 1


def test_a_refused_submission_notifies_nobody(app, client, auth, make_user, make_business_line):
    pmo, director, *_rest, assessment_id = _world(app, make_user, make_business_line)
    auth.login(director)
    refused = client.post(f"/cycles/assessments/{assessment_id}/submit")
    assert refused.status_code in (302, 422)
    assert _notices(app, pmo.id) == []
    with app.app_context():
        assert (
            db.session.scalar(
                select(func.count()).select_from(Delivery).where(Delivery.recipient == pmo.email)
            )
            == 0
        )


def test_a_mail_server_that_is_down_delays_mail_and_never_the_page(
    app, client, auth, make_user, make_business_line, monkeypatch, smtp_server
):
    monkeypatch.setitem(app.config, "LADDER_SMTP_URL", f"smtp://127.0.0.1:{free_port()}")
    pmo, director, *_rest, assessment_id = _world(app, make_user, make_business_line)
    auth.login(director)
    rate_all(app, assessment_id, director.id)
    answered = client.post(f"/cycles/assessments/{assessment_id}/submit")
    assert answered.status_code == 302
    with app.app_context():
        sent, failed = send_due()
        assert (sent, failed) == (0, 3)  # the PMO's mail and both directors' "opened" mail
        row = db.session.scalar(select(Delivery).where(Delivery.recipient == pmo.email))
        assert row.status is DeliveryStatus.PENDING
        assert row.attempts == 1
        assert "SMTP" in row.last_error
        db.session.execute(Delivery.__table__.update().values(next_attempt_at=utcnow()))
        db.session.commit()
    url, mailbox = smtp_server
    monkeypatch.setitem(app.config, "LADDER_SMTP_URL", url)
    with app.app_context():
        assert send_due() == (3, 0)
    assert len(mailbox.to(pmo.email)) == 1


def _dingtalk_sign(secret: str, timestamp: str) -> str:
    """DingTalk's published scheme: HMAC-SHA256 keyed by the secret over
    "timestamp\\nsecret", base64."""
    mac = hmac.new(secret.encode(), f"{timestamp}\n{secret}".encode(), hashlib.sha256)
    return base64.b64encode(mac.digest()).decode()


def _feishu_sign(secret: str, timestamp: str) -> str:
    """Feishu's published scheme: HMAC-SHA256 keyed by "timestamp\\nsecret" over nothing,
    base64."""
    mac = hmac.new(f"{timestamp}\n{secret}".encode(), b"", hashlib.sha256)
    return base64.b64encode(mac.digest()).decode()


def test_group_bots_get_their_vendors_format_and_signature(
    app, make_user, make_business_line, bot_receiver, monkeypatch
):
    monkeypatch.setitem(app.config, "LADDER_WEBHOOK_HOSTS", "127.0.0.1")
    _pmo, director, _other, line_a, line_b, assessment_id = _world(
        app, make_user, make_business_line
    )
    with app.app_context():
        db.session.add_all(
            [
                WebhookChannel(
                    name="企微",
                    vendor=Channel.WECOM,
                    url=f"{bot_receiver.url}/wecom?key=k",
                    business_line_id=line_a.id,
                ),
                WebhookChannel(
                    name="钉钉",
                    vendor=Channel.DINGTALK,
                    secret="SECdd",
                    url=f"{bot_receiver.url}/dingtalk?access_token=t",
                    business_line_id=line_a.id,
                ),
                WebhookChannel(
                    name="飞书",
                    vendor=Channel.FEISHU,
                    secret="fs-secret",
                    url=f"{bot_receiver.url}/feishu",
                    business_line_id=None,
                ),
                WebhookChannel(
                    name="别的线",
                    vendor=Channel.WECOM,
                    url=f"{bot_receiver.url}/other",
                    business_line_id=line_b.id,
                ),
            ]
        )
        db.session.commit()
    _submit(app, assessment_id, director.id)
    with app.app_context():
        db.session.execute(Delivery.__table__.delete().where(Delivery.channel == Channel.EMAIL))
        db.session.commit()
        assert send_due()[1] == 0
    posts = {post.path: post for post in bot_receiver.posts if "提交" in str(post.body)}
    assert set(posts) == {"/wecom", "/dingtalk", "/feishu"}  # not line B's bot
    wecom = posts["/wecom"].body
    assert wecom["msgtype"] == "markdown"
    assert "供应链" in wecom["markdown"]["content"]
    ding = posts["/dingtalk"]
    assert ding.body["msgtype"] == "markdown"
    assert "供应链" in ding.body["markdown"]["text"]
    stamp = ding.query["timestamp"][0]
    assert abs(int(stamp) - time.time() * 1000) < 60_000
    assert ding.query["sign"][0] == _dingtalk_sign("SECdd", stamp)
    assert ding.query["access_token"] == ["t"]
    feishu = posts["/feishu"].body
    assert feishu["msg_type"] == "text"
    assert "供应链" in feishu["content"]["text"]
    assert feishu["sign"] == _feishu_sign("fs-secret", feishu["timestamp"])


def test_a_bot_address_must_be_a_known_group_bot_host(app, client, login_as):
    login_as(Role.PMO)
    for address in ("http://10.0.0.5/hook", "https://intranet.example.com/x", "file:///etc/passwd"):
        refused = client.post(
            "/notifications/bots",
            data={"name": "x", "vendor": "dingtalk", "url": address, "business_line": ""},
        )
        assert refused.status_code == 422, address
    accepted = client.post(
        "/notifications/bots",
        data={
            "name": "PMO 群",
            "vendor": "dingtalk",
            "business_line": "",
            "url": "https://oapi.dingtalk.com/robot/send?access_token=abc",
            "secret": "SEC1",
        },
    )
    assert accepted.status_code == 302
    page = client.get("/notifications/bots").text
    assert "PMO 群" in page
    assert "SEC1" not in page


def test_the_centre_opens_a_notice_and_marks_everything_read(
    app, client, auth, make_user, make_business_line
):
    _pmo, director, other, *_rest = _world(app, make_user, make_business_line)
    auth.login(director)
    (notice,) = _notices(app, director.id)
    opened = client.get(f"/notifications/{notice.id}")
    assert opened.status_code == 302
    assert opened.headers["Location"] == notice.link
    assert 'data-unread="0"' in client.get("/").text
    # someone else's notice is not there for them
    (others,) = _notices(app, other.id)
    assert client.get(f"/notifications/{others.id}").status_code == 404
    assert client.post("/notifications/read").status_code == 302


def test_remind_writes_one_digest_a_day_with_what_is_due(
    app, make_user, make_business_line, smtp_server, monkeypatch
):
    url, mailbox = smtp_server
    monkeypatch.setitem(app.config, "LADDER_SMTP_URL", url)
    pmo, director, other, line_a, _b, _assessment = _world(app, make_user, make_business_line)
    make_item(
        app,
        "统一变更流程",
        business_line_id=line_a.id,
        owner_id=director.id,
        actor_id=pmo.id,
        planned_start=date.today() - timedelta(days=30),
        planned_end=date.today() - timedelta(days=2),
        impact=3,
        urgency=3,
        effort=3,
        actions=("approve",),
    )
    runner = app.test_cli_runner()
    first = runner.invoke(args=["remind"])
    assert first.exit_code == 0, first.output
    (digest,) = _notices(app, director.id, NotificationKind.DIGEST)
    assert digest.params["count"] == 2  # the assessment to fill and the overdue item
    assert any("统一变更流程" in line for line in digest.params["lines"])
    assert len(_notices(app, director.id, NotificationKind.ITEM_OVERDUE)) == 1
    again = runner.invoke(args=["remind"])
    assert again.exit_code == 0
    assert len(_notices(app, director.id, NotificationKind.DIGEST)) == 1
    assert len(_notices(app, director.id, NotificationKind.ITEM_OVERDUE)) == 1
    digests = [m for m in mailbox.to(director.email) if "项事务" in mailbox.subject(m)]
    assert len(digests) == 1
    assert "统一变更流程" in mailbox.text(digests[0])
    # the other director owns nothing overdue and hears nothing of line A's item
    assert _notices(app, other.id, NotificationKind.ITEM_OVERDUE) == []


def test_mail_is_sent_in_the_background_after_the_change_commits(
    app, make_app, make_user, make_business_line, smtp_server
):
    url, mailbox = smtp_server
    pmo, director, *_rest, assessment_id = _world(app, make_user, make_business_line)
    rate_all(app, assessment_id, director.id)
    background = make_app(SEND_AFTER_COMMIT=True, LADDER_SMTP_URL=url)
    with background.app_context():
        workflow.submit(
            db.session.get(User, director.id), db.session.get(Assessment, assessment_id)
        )
        db.session.commit()
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        with app.app_context():
            pending = db.session.scalar(
                select(func.count())
                .select_from(Delivery)
                .where(Delivery.status == DeliveryStatus.PENDING)
            )
            db.session.remove()
        if not pending:
            break
        time.sleep(0.1)
    assert len(mailbox.to(pmo.email)) == 1


def test_the_pmo_hears_when_their_clustering_run_is_done(app, make_user, make_business_line):
    from app.services.findings.records import FindingFilter
    from app.services.findings.themes import create_run, execute_run
    from models import Finding, FindingSource

    pmo = make_user(Role.PMO)
    other_pmo = make_user(Role.PMO)
    line = make_business_line("LA")
    texts = ["需求老是变", "需求文档太粗", "测试时间被压缩", "上线后bug很多", "供应商交货延期"]
    with app.app_context():
        for text in texts:
            db.session.add(
                Finding(source=FindingSource.SURVEY, text=text, business_line_id=line.id)
            )
        run = create_run(db.session.get(User, pmo.id), FindingFilter(), k=2)
        db.session.commit()
        execute_run(run.id)
        run_id = run.id
    (done,) = _notices(app, pmo.id, NotificationKind.CLUSTERING_DONE)
    assert done.params["k"] == 2
    assert done.link == f"/themes/runs/{run_id}"
    assert _notices(app, other_pmo.id, NotificationKind.CLUSTERING_DONE) == []


@pytest.mark.parametrize("zone", ["Pacific/Kiritimati", "Pacific/Pago_Pago"])
def test_remind_keeps_to_one_digest_a_day_whatever_the_company_time_zone(
    app, make_user, make_business_line, monkeypatch, zone
):
    """UTC+14 and UTC-11: the local day differs from the UTC day for much of every day."""
    monkeypatch.setitem(app.config, "BABEL_DEFAULT_TIMEZONE", zone)
    _pmo, director, *_rest = _world(app, make_user, make_business_line)
    runner = app.test_cli_runner()
    for _run in range(2):
        assert runner.invoke(args=["remind"]).exit_code == 0
    assert len(_notices(app, director.id, NotificationKind.DIGEST)) == 1
