"""Simulated Ladder users for `benchmarks/load_test.py` (locust, headless).

Directors save rating pages of their open assessments, anonymous respondents answer the
survey link, leadership opens the reports, and one probe asks ``/healthz`` every second (the
floor of the run). A refused stale save (409) is a correct answer and is counted under its
own name, not as an error.
"""

from __future__ import annotations

import os
import random
import re

from locust import HttpUser, between, constant, task

PASSWORD = "ladder-demo"
DIRECTORS = int(os.environ.get("LOAD_DIRECTORS", "30"))
SURVEY_TOKEN = os.environ.get("LOAD_SURVEY_TOKEN", "")
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
VERSION = re.compile(r'name="version" value="(\d+)"')
RATING_FIELD = re.compile(r'name="(rating-[A-Z0-9.]+)"')
AREA_LINK = re.compile(r'href="(/cycles/assessments/\d+/areas/[A-Z0-9]+)"')
ASSESSMENT_LINK = re.compile(r'href="(/cycles/assessments/\d+)"')
LINE_REPORT = re.compile(r'href="(/reports/business-lines/\d+)"')
SELECT = re.compile(r'<select[^>]*name="([\w-]+)"[^>]*>(.*?)</select>', re.S)
OPTION = re.compile(r'<option[^>]*value="([^"]+)"')
RADIO = re.compile(
    r'type="radio"[^>]*name="([\w-]+)"[^>]*value="([^"]+)"|'
    r'name="([\w-]+)"[^>]*type="radio"[^>]*value="([^"]+)"'
)


def form_choices(page: str) -> dict[str, str]:
    """A valid value for every select and radio group of a form page."""
    values: dict[str, str] = {}
    for name, body in SELECT.findall(page):
        options = [v for v in OPTION.findall(body) if v]
        if options:
            values[name] = random.choice(options)
    for match in RADIO.findall(page):
        name, value = (match[0], match[1]) if match[0] else (match[2], match[3])
        values.setdefault(name, value)
    return values


def sign_in(user: HttpUser, email: str) -> None:
    page = user.client.get("/login", name="GET /login")
    token = CSRF.search(page.text)
    user.client.post(
        "/login",
        name="POST /login",
        data={"email": email, "password": PASSWORD, "csrf_token": token.group(1) if token else ""},
    )


class Director(HttpUser):
    weight = 3
    wait_time = between(1, 3)

    def on_start(self) -> None:
        sign_in(self, f"director{random.randint(1, DIRECTORS)}@demo.ladder")
        mine = self.client.get("/cycles/mine", name="GET /cycles/mine").text
        self.assessments = ASSESSMENT_LINK.findall(mine)

    @task
    def save_a_page(self) -> None:
        if not self.assessments:
            return
        overview = self.client.get(
            random.choice(self.assessments), name="GET /cycles/assessments/[id]"
        ).text
        areas = AREA_LINK.findall(overview)
        if not areas:
            return
        url = random.choice(areas)
        page = self.client.get(url, name="GET area page").text
        token, version = CSRF.search(page), VERSION.search(page)
        fields = RATING_FIELD.findall(page)
        if not (token and version and fields):
            return
        data = {"csrf_token": token.group(1), "version": version.group(1)}
        for field in fields:
            data[field] = random.choice(["FI", "LI", "LI", "PI"])
            data[field.replace("rating-", "evidence-")] = "负载测试证据：评审记录与会议纪要"
        with self.client.post(
            url, data=data, name="POST area page (save)", catch_response=True, allow_redirects=False
        ) as response:
            if response.status_code == 409:
                response.success()  # a stale save, refused and reported: correct behaviour
                self.environment.events.request.fire(
                    request_type="NOTE",
                    name="stale save refused (409)",
                    response_time=0,
                    response_length=0,
                    exception=None,
                    context={},
                )
            elif response.status_code in (200, 302, 422):
                response.success()


class Respondent(HttpUser):
    weight = 2
    wait_time = between(1, 4)

    @task
    def answer_the_survey(self) -> None:
        if not SURVEY_TOKEN:
            return
        page = self.client.get(f"/s/{SURVEY_TOKEN}", name="GET /s/[token]").text
        token = CSRF.search(page)
        data = form_choices(page)
        data.pop("process_area", None)
        data["csrf_token"] = token.group(1) if token else ""
        data["text"] = random.choice(
            [
                "需求变更太频繁，计划总是被打乱",
                "测试时间不够，上线后问题多",
                "供应商交付延期没人跟进",
                "会议太多，没有时间做事",
            ]
        )
        with self.client.post(
            f"/s/{SURVEY_TOKEN}",
            data=data,
            name="POST /s/[token]",
            catch_response=True,
            allow_redirects=False,
        ) as response:
            if response.status_code != 302:
                response.failure(f"answer not accepted ({response.status_code})")


class Leader(HttpUser):
    weight = 1
    wait_time = between(2, 5)

    def on_start(self) -> None:
        sign_in(self, "leader@demo.ladder")
        self.lines = LINE_REPORT.findall(self.client.get("/reports/", name="GET /reports/").text)

    @task(3)
    def dashboard(self) -> None:
        self.client.get("/reports/", name="GET /reports/")

    @task(2)
    def company(self) -> None:
        self.client.get("/reports/company", name="GET /reports/company")

    @task(2)
    def business_line(self) -> None:
        if self.lines:
            self.client.get(random.choice(self.lines), name="GET /reports/business-lines/[id]")


class Probe(HttpUser):
    """One probe asks ``/healthz`` every second: the floor of the same run, so each figure can
    be read as a multiple of it whatever else the machine is doing."""

    fixed_count = 1
    wait_time = constant(1)

    @task
    def healthz(self) -> None:
        self.client.get("/healthz", name="GET /healthz")
