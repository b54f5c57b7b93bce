"""Business lines and user accounts managed by admins and the PMO."""

from __future__ import annotations

from app.extensions import db
from models import AuditEvent, BusinessLine, Role, User


def test_pmo_creates_a_business_line_with_a_director(app, client, login_as, make_user):
    director = make_user(Role.DIRECTOR, name="王伟")
    login_as(Role.PMO)
    response = client.post(
        "/business-lines/new",
        data={
            "code": "scm",
            "name": "供应链",
            "description": "采购与物流",
            "active": "y",
            "directors": [str(director.id)],
        },
    )
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).text
    assert "供应链" in page
    assert "SCM" in page
    assert "王伟" in page
    with app.app_context():
        event = db.session.query(AuditEvent).filter_by(object_type="BusinessLine").one()
        assert event.action == "create"
        assert event.changes["name"] == {"old": None, "new": "供应链"}


def test_duplicate_business_line_code_is_refused_whatever_the_case(
    client, login_as, make_business_line
):
    make_business_line("SCM", "供应链")
    login_as(Role.PMO)
    response = client.post("/business-lines/new", data={"code": "scm", "name": "另一个"})
    assert response.status_code == 422
    assert "编码为 SCM 的业务线已存在" in response.text
    assert "另一个" not in client.get("/business-lines").text


def test_empty_and_over_long_fields_are_refused(app, client, login_as):
    login_as(Role.PMO)
    empty = client.post("/business-lines/new", data={"code": "", "name": ""})
    assert empty.status_code == 200
    assert empty.text.count('class="error"') >= 2
    long_name = client.post("/business-lines/new", data={"code": "OK", "name": "长" * 101})
    assert 'class="error"' in long_name.text
    bad_code = client.post("/business-lines/new", data={"code": "A B", "name": "x"})
    assert "只能使用字母、数字" in bad_code.text
    with app.app_context():
        assert db.session.query(BusinessLine).count() == 0


def test_only_directors_can_lead_a_business_line(app, client, login_as, make_user):
    leader = make_user(Role.LEADERSHIP)
    login_as(Role.PMO)
    response = client.post(
        "/business-lines/new", data={"code": "X", "name": "x", "directors": [str(leader.id)]}
    )
    assert response.status_code == 200
    assert 'class="error"' in response.text
    with app.app_context():
        assert db.session.query(BusinessLine).count() == 0


def test_a_stale_edit_is_refused_and_shows_what_changed(app, client, login_as, make_business_line):
    line = make_business_line("SCM", "供应链")
    login_as(Role.PMO)
    first = client.post(
        f"/business-lines/{line.id}/edit",
        data={"code": "SCM", "name": "供应链中心", "version": "1"},
    )
    assert first.status_code == 302
    stale = client.post(
        f"/business-lines/{line.id}/edit", data={"code": "SCM", "name": "供应链部", "version": "1"}
    )
    assert stale.status_code == 409
    assert "供应链中心" in stale.text  # what the other person saved
    assert 'value="供应链部"' in stale.text  # what this person typed is kept
    with app.app_context():
        assert db.session.get(BusinessLine, line.id).name == "供应链中心"
    again = client.post(
        f"/business-lines/{line.id}/edit", data={"code": "SCM", "name": "供应链部", "version": "2"}
    )
    assert again.status_code == 302


def test_business_line_list_searches_and_paginates(client, login_as, make_business_line):
    for n in range(25):
        make_business_line(f"BL{n:02d}", f"业务线{n:02d}")
    make_business_line("SCM", "供应链")
    login_as(Role.LEADERSHIP)
    first = client.get("/business-lines")
    assert "第 1 页，共 2 页" in first.text
    assert "BL19" in first.text
    assert "SCM" not in first.text
    second = client.get("/business-lines?page=2")
    assert "SCM" in second.text
    found = client.get("/business-lines?q=供应")
    assert "SCM" in found.text
    assert "BL00" not in found.text
    nothing = client.get("/business-lines?q=%25")
    assert "没有与“%”匹配的业务线" in nothing.text


def test_directors_see_only_their_own_business_lines(
    client, login_as, make_user, make_business_line
):
    me = login_as(Role.DIRECTOR)
    mine = make_business_line("MINE", "我的业务线", directors=(me.id,))
    other_director = make_user(Role.DIRECTOR)
    theirs = make_business_line("THEIRS", "别人的业务线", directors=(other_director.id,))
    listing = client.get("/business-lines").text
    assert "我的业务线" in listing
    assert "别人的业务线" not in listing
    assert client.get(f"/business-lines/{mine.id}").status_code == 200
    assert client.get(f"/business-lines/{theirs.id}").status_code == 404
    assert client.get("/business-lines/99999").status_code == 404
    assert "我的业务线" in client.get("/").text


def test_pmo_creates_a_director_account_that_can_sign_in(
    client, login_as, make_business_line, auth
):
    line = make_business_line("RDC", "研发中心")
    login_as(Role.PMO)
    response = client.post(
        "/users/new",
        data={
            "email": "New.Director@Example.com",
            "display_name": "赵敏",
            "role": "director",
            "locale": "en",
            "active": "y",
            "password": "first-password",
            "business_lines": [str(line.id)],
        },
    )
    assert response.status_code == 302
    assert "赵敏" in client.get("/users?q=赵").text
    auth.logout()
    signed_in = client.post(
        "/login", data={"email": "new.director@example.com", "password": "first-password"}
    )
    assert signed_in.status_code == 302
    assert "研发中心" in client.get("/").text
    assert "What to do next" in client.get("/").text  # the account's own language


def test_duplicate_email_is_refused(client, login_as, make_user):
    make_user(Role.DIRECTOR, email="taken@example.com")
    login_as(Role.PMO)
    response = client.post(
        "/users/new",
        data={
            "email": "TAKEN@example.com",
            "display_name": "x",
            "role": "director",
            "locale": "zh_CN",
            "password": "some-password",
        },
    )
    assert response.status_code == 422
    assert "邮箱为 taken@example.com 的账号已存在" in response.text


def test_new_account_needs_a_password(app, client, login_as):
    login_as(Role.ADMIN)
    response = client.post(
        "/users/new",
        data={"email": "nopass@example.com", "display_name": "x", "role": "pmo", "locale": "zh_CN"},
    )
    assert response.status_code == 422
    assert "新账号需要设置密码" in response.text
    with app.app_context():
        assert db.session.query(User).filter_by(email="nopass@example.com").count() == 0


def test_pmo_cannot_create_or_edit_admins(client, login_as, make_user):
    admin = make_user(Role.ADMIN)
    login_as(Role.PMO)
    assert client.get(f"/users/{admin.id}/edit").status_code == 403
    response = client.post(
        "/users/new",
        data={
            "email": "sneaky@example.com",
            "display_name": "x",
            "role": "admin",
            "locale": "zh_CN",
            "password": "some-password",
        },
    )
    assert response.status_code == 200
    assert "sneaky@example.com" not in client.get("/users").text


def test_users_list_filters_by_role_and_searches(client, login_as, make_user):
    make_user(Role.DIRECTOR, email="dir@example.com", name="甲总监")
    make_user(Role.LEADERSHIP, email="boss@example.com", name="乙总")
    login_as(Role.ADMIN)
    directors = client.get("/users?role=director").text
    assert "dir@example.com" in directors
    assert "boss@example.com" not in directors
    assert "boss@example.com" in client.get("/users?q=乙").text


def test_deactivating_a_user_ends_their_access(app, client, login_as, make_user):
    target = make_user(Role.DIRECTOR)
    other = app.test_client()
    other.post("/login", data={"email": target.email, "password": target.password})
    assert other.get("/").status_code == 200
    login_as(Role.ADMIN)
    client.post(
        f"/users/{target.id}/edit",
        data={
            "email": target.email,
            "display_name": "x",
            "role": "director",
            "locale": "zh_CN",
            "version": "1",
        },
    )
    assert other.get("/").status_code == 302
