"""The audit trail records changes and admins can read it, filtered."""

from __future__ import annotations

from models import Role


def test_admin_reads_changes_with_old_and_new_values(client, login_as, make_business_line):
    line = make_business_line("SCM", "供应链")
    login_as(Role.ADMIN)
    client.post(
        f"/business-lines/{line.id}/edit",
        data={"code": "SCM", "name": "供应链中心", "version": "1"},
    )
    page = client.get("/audit/?object_type=BusinessLine").text
    assert "供应链 → 供应链中心" in page
    assert "update" in page


def test_audit_filters_by_actor_and_date(client, login_as, make_business_line):
    make_business_line("SCM", "供应链")
    admin = login_as(Role.ADMIN)
    client.post("/business-lines/new", data={"code": "NEW", "name": "新业务"})
    by_admin = client.get(f"/audit/?actor={admin.email}").text
    assert "NEW" in by_admin
    assert "SCM" not in by_admin
    future = client.get("/audit/?since=2999-01-01").text
    assert "没有符合筛选条件的变更记录" in future
    assert "NEW" in client.get("/audit/?since=2000-01-01&until=2999-12-31").text
    assert client.get("/audit/?since=not-a-date").status_code == 200


def test_an_update_that_changes_nothing_records_nothing(client, login_as, make_business_line):
    line = make_business_line("SCM", "供应链")
    login_as(Role.ADMIN)
    client.post(
        f"/business-lines/{line.id}/edit",
        data={"code": "SCM", "name": "供应链", "active": "y", "version": "1"},
    )
    assert "update" not in client.get("/audit/?object_type=BusinessLine").text
