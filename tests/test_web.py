"""`brainfit serve`, tested as a person uses it: the real command started on a free port, a
real headless Chromium (Debian's package, driven by Playwright) opening the printed address,
reading the week from the DOM, moving a slider, downloading the .ics; and the safety rules
(Host header, token, uploads, no paths from the browser) with a plain HTTP client.

Chromium is installed here where missing (as root, with apt-get); no browser is downloaded
by Playwright. The browser tests are few and share one server and one browser."""

from __future__ import annotations

import base64
import datetime as dt
import json
import os
import shutil
import subprocess
import sys
import threading
import tomllib
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from click.testing import CliRunner
from playwright.sync_api import Browser, Page, sync_playwright

from brainfit_solver.cli import main
from brainfit_solver.rules.ruleset import default_rules_path
from support import EXAMPLES_DIR, REPO
from test_picture import classed, placed, y_of

SVG = "{http://www.w3.org/2000/svg}"
ENV = {**os.environ, "SOURCE_DATE_EPOCH": "1795000000", "TZ": "UTC"}
PROFILE_TEXT = (EXAMPLES_DIR / "student" / "profile.toml").read_text(encoding="utf-8")
SCREENSHOT = REPO / "docs" / "example-week.png"


def chromium() -> str:
    """Debian's Chromium, installed now if missing (CI machines start without it)."""
    found = shutil.which("chromium")
    if found is None and hasattr(os, "geteuid") and os.geteuid() == 0:
        for step in (["apt-get", "update", "-q"], ["apt-get", "install", "-y", "-q", "chromium"]):
            subprocess.run(
                step, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT, check=False, timeout=600
            )
        found = shutil.which("chromium")
    if found is None:
        pytest.fail("Chromium is missing: apt-get install -y chromium (as root)")
    return found


@dataclass
class Served:
    base: str
    token: str
    folder: Path
    process: subprocess.Popen[str]

    @property
    def url(self) -> str:
        return f"{self.base}/?token={self.token}"

    @property
    def profile(self) -> Path:
        return self.folder / "profile.toml"

    def post(self, path: str, json: Any = None, **kwargs: Any) -> httpx.Response:
        headers = {"x-brainfit-token": self.token, **kwargs.pop("headers", {})}
        return httpx.post(self.base + path, json=json, headers=headers, timeout=60, **kwargs)


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """The real command on a free port, over a copy of the student example (the page may
    save weights into its profile); a second rule set makes the week impossible."""
    folder = tmp_path_factory.mktemp("serve")
    shutil.copy(EXAMPLES_DIR / "student" / "calendar.ics", folder / "calendar.ics")
    (folder / "profile.toml").write_text(PROFILE_TEXT, encoding="utf-8")
    bundled = default_rules_path().read_text(encoding="utf-8")
    impossible = bundled.replace(
        'per_week = { min = 1, max = 1 }  # source (min): "at least once per week"',
        'per_week = { min = 4, max = 4 }  # source (min): "at least once per week"',
        1,
    )
    assert impossible != bundled
    (folder / "rules.toml").write_text(bundled, encoding="utf-8")
    (folder / "impossible.toml").write_text(impossible, encoding="utf-8")
    command = [
        sys.executable,
        "-c",
        "from brainfit_solver.cli import main; main()",
        "serve",
        "--profile",
        str(folder / "profile.toml"),
        "--rules",
        str(folder / "rules.toml"),
        "--rules",
        str(folder / "impossible.toml"),
        "--port",
        "0",
    ]
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=ENV
    )
    assert process.stdout is not None
    line = process.stdout.readline()  # printed once it listens
    assert line.startswith("brainfit serve: open http://127.0.0.1:"), line
    url = line.split("open ", 1)[1].strip()
    base, token = url.split("/?token=")
    drain = threading.Thread(target=process.stdout.read, daemon=True)  # the rest of its output
    drain.start()
    try:
        yield Served(base, token, folder, process)
    finally:
        process.terminate()
        process.wait(timeout=20)
        drain.join(10)
        process.stdout.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    path = chromium()
    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=path, args=["--no-sandbox"])
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Browser, served: Served) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1500, "height": 1000}, accept_downloads=True)
    opened = context.new_page()
    opened.goto(served.url)
    opened.wait_for_selector("body[data-drawn]", timeout=60_000)
    yield opened
    context.close()


def redraw(page: Page, action: Any) -> None:
    """Do ``action`` and wait until the page has drawn the answer to the last request."""
    before = int(page.evaluate("document.body.dataset.sent || '0'"))
    action()
    page.wait_for_function(
        f"Number(document.body.dataset.sent) > {before} && "
        "document.body.dataset.drawn === document.body.dataset.sent",
        timeout=60_000,
    )


def week_svg(page: Page) -> ET.Element:
    """The picture as the browser has it now (its DOM, serialised)."""
    markup = page.evaluate(
        "new XMLSerializer().serializeToString(document.querySelector('svg.week'))"
    )
    return ET.fromstring(markup)


def cli_report(tmp_path: Path, served: Served, *weights: str) -> dict[str, Any]:
    """What `brainfit plan` makes of the same settings: its .ics bytes and its report."""
    out, report = tmp_path / "cli.ics", tmp_path / "cli.json"
    args = ["plan", "--profile", str(served.profile), "--rules", str(served.folder / "rules.toml")]
    for weight in weights:
        args += ["--weight", weight]
    result = CliRunner().invoke(main, [*args, "-o", str(out), "--json", str(report), "--quiet"])
    assert result.exit_code == 0, result.output
    return {"ics": out.read_bytes(), "report": json.loads(report.read_text(encoding="utf-8"))}


def zone2_lengths(svg: ET.Element) -> list[int]:
    out = []
    for block in classed(svg, "session"):
        if block.get("data-kind") == "zone2":
            start = dt.datetime.fromisoformat(block.get("data-start", ""))
            end = dt.datetime.fromisoformat(block.get("data-end", ""))
            out.append(int((end - start).total_seconds() // 60))
    return out


def test_the_page_draws_each_session_on_its_day_at_its_time(
    page: Page, served: Served, tmp_path: Path
) -> None:
    expected = cli_report(tmp_path, served)["report"]["weeks"][0]
    svg = week_svg(page)
    blocks = placed(svg)
    assert sorted(blocks) == sorted(s["uid"] for s in expected["sessions"])
    days = {d.get("data-date"): d for d in classed(svg, "day")}
    for s in expected["sessions"]:
        start = dt.datetime.fromisoformat(s["start"])
        date, top, _, _ = blocks[s["uid"]]
        assert date == start.date().isoformat()
        assert top == pytest.approx(y_of(days[date], start), abs=0.06)
    # And where the browser lays them out: inside their day's column on screen.
    for s in expected["sessions"][:5]:
        block = page.locator(f'g.session[data-uid="{s["uid"]}"] rect').first.bounding_box()
        column = page.locator(f'g.day[data-date="{s["start"][:10]}"]').first.bounding_box()
        assert block is not None and column is not None
        assert (
            column["x"] <= block["x"]
            and block["x"] + block["width"] <= column["x"] + column["width"]
        )
    busy = classed(svg, "busy") + classed(svg, "study")
    assert len(busy) == len(expected["busy"]) and classed(svg, "study")
    assert page.locator("input.weight-slider").count() == len(expected["terms"])


def test_moving_a_slider_replans_as_the_weight_says(page: Page) -> None:
    assert sorted(zone2_lengths(week_svg(page))) == [55, 55, 70]  # longer_zone2 at 2
    slider = page.locator('input.weight-slider[data-rule="longer_zone2"]')
    redraw(page, lambda: slider.fill("40"))
    svg = week_svg(page)
    assert zone2_lengths(svg) == [75, 75, 75]  # worth more: every run as long as allowed
    assert page.locator('input.weight-number[data-rule="longer_zone2"]').input_value() == "40"
    assert [g for g in classed(svg, "session") if "resized" in (g.get("class") or "")]
    row = page.locator('#comparison tr[data-rule="longer_zone2"]').inner_text()
    assert "2→40" in row
    redraw(page, lambda: slider.fill("0"))
    assert zone2_lengths(week_svg(page)) == [45, 45, 45]  # worth nothing: the shortest


def test_a_fast_drag_sends_one_request_at_a_time_and_draws_the_last_position(
    page: Page,
) -> None:
    # Requests sent together may reach the server in another order than sent, and the one it
    # receives last is the one it plans: the page's week could be that of a position the
    # slider has already left. So the page keeps one request in flight and sends only the
    # newest settings made meanwhile.
    in_flight, most, bodies = [0], [0], []

    def sent(request: Any) -> None:
        if request.url.endswith("/api/plan"):
            in_flight[0] += 1
            most[0] = max(most[0], in_flight[0])
            bodies.append(request.post_data_json)

    def done(request: Any) -> None:
        if request.url.endswith("/api/plan"):
            in_flight[0] -= 1

    page.on("request", sent)
    page.on("requestfinished", done)
    page.on("requestfailed", done)
    drag = """() => {
        const slider = document.querySelector('input.weight-slider[data-rule="longer_zone2"]');
        for (let value = 40; value >= 0; value -= 4) {
            slider.value = String(value);
            slider.dispatchEvent(new Event("input"));
        }
    }"""
    redraw(page, lambda: page.evaluate(drag))
    assert zone2_lengths(week_svg(page)) == [45, 45, 45]  # longer_zone2 at 0, the last position
    assert most[0] == 1, bodies
    assert [b["weights"]["longer_zone2"] for b in bodies] == [40, 0]  # the first, the newest


def test_download_gives_exactly_the_bytes_plan_writes(
    page: Page, served: Served, tmp_path: Path
) -> None:
    number = page.locator('input.weight-number[data-rule="longer_zone2"]')
    redraw(page, lambda: (number.fill("40"), number.dispatch_event("change")))
    with page.expect_download() as download:
        page.click("#download")
    saved = tmp_path / "download.ics"
    download.value.save_as(saved)
    assert download.value.suggested_filename == "brainfit-2026-W49.ics"
    weights = page.evaluate(
        "[...document.querySelectorAll('input.weight-number')]"
        ".map(b => b.dataset.rule + '=' + b.value)"
    )
    assert "longer_zone2=40" in weights
    assert saved.read_bytes() == cli_report(tmp_path, served, *weights)["ics"]
    assert saved.read_bytes() != cli_report(tmp_path, served)["ics"]  # the weight mattered


def test_an_impossible_week_offers_its_relaxations_one_click_away(page: Page) -> None:
    redraw(page, lambda: page.select_option("#rules", "1"))
    assert "cannot all hold" in page.locator("section.infeasible").inner_text()
    buttons = page.locator("button.relaxation")
    assert buttons.count() >= 1
    offered = buttons.first.inner_text()
    redraw(page, lambda: buttons.first.click())
    assert page.locator("#relaxed").inner_text() == f"Applied: {offered}"
    assert page.locator("svg.week g.session").count() > 0
    redraw(page, lambda: page.click("#unrelax"))
    assert page.locator("section.infeasible").count() == 1


def test_a_screenshot_of_the_example_week_is_not_blank(page: Page) -> None:
    png = page.screenshot(full_page=True)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
    assert width >= 1400 and height >= 900, (width, height)
    # Decoded by the browser itself: a drawn week has many colours, a blank page one.
    colours = page.evaluate(
        """async (data) => {
            const image = new Image();
            image.src = "data:image/png;base64," + data;
            await image.decode();
            const canvas = document.createElement("canvas");
            canvas.width = image.width; canvas.height = image.height;
            const context = canvas.getContext("2d");
            context.drawImage(image, 0, 0);
            const pixels = context.getImageData(0, 0, image.width, image.height).data;
            const seen = new Set();
            for (let k = 0; k < pixels.length; k += 4 * 7) {
                seen.add((pixels[k] << 16) | (pixels[k + 1] << 8) | pixels[k + 2]);
            }
            return seen.size;
        }""",
        base64.b64encode(png).decode(),
    )
    assert colours > 50, colours
    if os.environ.get("BRAINFIT_UPDATE_SCREENSHOT") == "1":
        SCREENSHOT.write_bytes(
            page.screenshot(clip={"x": 0, "y": 0, "width": 1500, "height": 1000})
        )


# -- safety, without a browser -------------------------------------------------------------


def test_a_request_for_another_host_name_is_refused(served: Served) -> None:
    for host in ("evil.example", "localhost:1", "127.0.0.1"):
        response = httpx.get(served.base + "/", headers={"host": host})
        assert response.status_code == 403, host
        response = served.post("/api/plan", {}, headers={"host": host})
        assert response.status_code == 403, host
    assert httpx.get(served.base + "/").status_code == 200


def test_state_changing_requests_need_the_token(served: Served) -> None:
    for path in ("/api/plan", "/api/ics", "/api/save-weights", "/api/upload"):
        for token in ("", "wrong"):
            response = httpx.post(served.base + path, json={}, headers={"x-brainfit-token": token})
            assert response.status_code == 403, path
            assert "token" in response.json()["error"]
    assert served.profile.read_text(encoding="utf-8") == PROFILE_TEXT


def test_the_browser_cannot_name_a_file(served: Served) -> None:
    for body in ({"profile": "/etc/passwd"}, {"calendars": ["/etc/passwd"]}, {"rules": 7}):
        response = served.post("/api/plan", body)
        assert response.status_code == 400
        error = response.json()["error"]
        assert "Traceback" not in error and error.endswith(".")


def test_a_bad_upload_shows_the_usual_message(served: Served) -> None:
    response = served.post(
        "/api/upload",
        content=b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART:garbage\r\n",
        headers={"x-filename": "../../uni.ics"},
    )
    assert response.status_code == 400
    error = response.json()["error"]
    assert error.startswith("uni.ics") and "brainfit-serve-" not in error, error
    big = served.post(
        "/api/upload", content=b"x" * (2 * 1024 * 1024 + 1), headers={"x-filename": "big.ics"}
    )
    assert big.status_code == 413 and "2 MiB" in big.json()["error"]
    assert served.post("/api/plan", {}).json()["uploads"] == []


def test_requests_during_a_solve_replace_each_other_in_the_order_the_server_received_them(
    served: Served,
) -> None:
    # Threads started 50 ms apart may reach the server in another order on a loaded machine
    # (CI saw the first-sent request superseded), so the answers are ordered by the server's
    # own arrival number.
    answers: dict[int, dict[str, Any]] = {}

    def ask(k: int, weight: int) -> None:
        answers[k] = served.post("/api/plan", {"weights": {"spread_days": weight}}).json()

    first = threading.Thread(target=ask, args=(0, 26))
    first.start()
    threading.Event().wait(0.05)  # the first one is solving
    rest = [threading.Thread(target=ask, args=(k, 26 + k)) for k in (1, 2, 3)]
    for thread in rest:
        thread.start()
        threading.Event().wait(0.01)
    for thread in [first, *rest]:
        thread.join(60)
    received = sorted(answers.values(), key=lambda answer: int(answer["arrival"]))
    assert len({answer["arrival"] for answer in received}) == 4, answers
    solving, *waiting, newest = received
    assert "objective" in solving and "objective" in newest, answers
    # The ones between never queued a solve: the newest replaced them while the first ran.
    assert [set(answer) for answer in waiting] == [{"superseded", "arrival"}] * 2, answers


def test_save_weights_writes_the_profile_only_when_asked_keeping_its_comments(
    served: Served,
) -> None:
    served.post("/api/plan", {"weights": {"longer_zone2": 9}})
    assert served.profile.read_text(encoding="utf-8") == PROFILE_TEXT  # not without asking
    response = served.post("/api/save-weights", {"weights": {"longer_zone2": 9, "near_study": 30}})
    assert response.status_code == 200, response.text
    text = served.profile.read_text(encoding="utf-8")
    saved = tomllib.loads(text)
    # near_study back at the rule file's 30: no longer overridden; longer_zone2 now is.
    assert saved["weights"] == {"longer_zone2": 9}
    assert saved["window"] == tomllib.loads(PROFILE_TEXT)["window"]
    for line in PROFILE_TEXT.splitlines():
        if line.startswith("#") or "summary_pattern" in line:
            assert line in text
    served.profile.write_text(PROFILE_TEXT, encoding="utf-8")


def test_week_and_zone_are_changed_in_the_page_and_a_bad_one_is_the_usual_message(
    served: Served,
) -> None:
    answer = served.post("/api/plan", {"week": "2026-W50", "tz": "Europe/Berlin"}).json()
    assert answer["week"] == "2026-W50" and answer["objective"] > 0
    bad = served.post("/api/plan", {"tz": "Mars/Olympus_Mons"})
    assert bad.status_code == 400
    assert "unknown time zone 'Mars/Olympus_Mons'. Use an IANA name" in bad.json()["error"]


def test_serve_refuses_bad_inputs_and_wildcard_hosts_before_listening(tmp_path: Path) -> None:
    missing = CliRunner().invoke(main, ["serve", str(tmp_path / "none.ics"), "--port", "0"])
    assert missing.exit_code == 2 and missing.stderr.startswith("error: ")
    assert "Traceback" not in missing.output
    wildcard = CliRunner().invoke(main, ["serve", "--host", "0.0.0.0", "--port", "0"])
    assert wildcard.exit_code == 2 and "--host" in wildcard.stderr
