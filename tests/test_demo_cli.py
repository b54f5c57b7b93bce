"""``ladder demo`` seeds the organisation and prints every account."""

from __future__ import annotations

import json

from models import Role


def test_demo_seeds_accounts_that_can_sign_in(database_url, tmp_path, app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["demo", "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    emails = [a["email"] for a in data["accounts"]]
    assert emails[:3] == ["admin@demo.ladder", "pmo@demo.ladder", "leader@demo.ladder"]
    assert [e for e in emails if e.startswith("director")] == [
        f"director{n}@demo.ladder" for n in range(1, 6)
    ]
    lines = {line for a in data["accounts"] for line in a["business_lines"]}
    assert lines == {"供应链", "工厂精益运营", "数字化工厂", "研发中心", "销售与服务"}

    client = app.test_client()
    response = client.post(
        "/login", data={"email": "director2@demo.ladder", "password": "ladder-demo"}
    )
    assert response.status_code == 302
    home = client.get("/").text
    assert "工厂精益运营" in home
    assert "供应链" not in home


def test_demo_twice_keeps_data_and_reset_seeds_again(app):
    runner = app.test_cli_runner()
    runner.invoke(args=["demo"])
    again = runner.invoke(args=["demo"])
    assert again.exit_code == 0
    assert "already" in again.stderr
    assert again.stdout.count("@demo.ladder") == 15  # 8 and 7 respondents
    reset = runner.invoke(args=["demo", "--reset"])
    assert reset.exit_code == 0
    assert reset.stdout.count("@demo.ladder") == 15


def test_large_demo_has_thirty_business_lines(app):
    result = app.test_cli_runner().invoke(args=["demo", "--size", "large", "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    directors = [a for a in data["accounts"] if a["role"] == Role.DIRECTOR.value]
    assert len(directors) == 30
