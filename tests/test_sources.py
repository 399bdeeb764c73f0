"""Calendars from ICS feeds: a real HTTP server on 127.0.0.1 serves them, well and badly.

Every failure must be a ``CalendarError`` naming the URL and what to do; a feed that works
must read exactly as the same file read from disk.
"""

from __future__ import annotations

import contextlib
import gzip
import socket
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from click.testing import CliRunner

from brainfit_solver import api, pipeline
from brainfit_solver.calendars import sources
from brainfit_solver.cli import main
from brainfit_solver.core.errors import CalendarError
from brainfit_solver.rules.profile import Profile

CALENDARS = Path(__file__).parent / "calendars"
LECTURES = CALENDARS / "weekly_lecture_exdate_and_moved.ics"
WEEK = "2026-W46"
BERLIN = Profile(timezone="Europe/Berlin")


class FeedHandler(BaseHTTPRequestHandler):
    """One answer per path; each one a way a feed can be served, well or badly."""

    protocol_version = "HTTP/1.0"  # a body without Content-Length ends with the connection

    def do_GET(self) -> None:
        route = ROUTES.get(self.path.partition("?")[0])
        try:
            if route is None:
                self.answer(404, b"no such feed", "text/plain")
            else:
                route(self)
        except OSError:
            pass  # the client hung up on purpose (too large, too slow)

    def answer(self, status: int, body: bytes, kind: str = "text/calendar", **headers: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers.items():
            self.send_header(name.replace("_", "-"), value)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: the tests read the client's errors, not the server's log."""


def _feed(handler: FeedHandler) -> None:
    handler.answer(200, LECTURES.read_bytes(), "text/calendar; charset=utf-8")


def _redirect(handler: FeedHandler) -> None:
    handler.answer(302, b"", "text/plain", Location="/feed.ics")


def _loop(handler: FeedHandler) -> None:
    handler.answer(302, b"", "text/plain", Location="/loop")


STALL_S = 60
"""How long the slow and trickling feeds take: twice `CLIENT_GIVES_UP_S`, so a client that does
not keep its own timeout fails its test by the per-test timeout."""
CLIENT_GIVES_UP_S = 30


def _slow(handler: FeedHandler) -> None:
    """Answer only once the client has hung up, or after `STALL_S`."""
    handler.connection.settimeout(STALL_S)
    with contextlib.suppress(TimeoutError):
        handler.connection.recv(1)  # the request is read: this returns when the client closes
    _feed(handler)


def _trickle(handler: FeedHandler) -> None:
    handler.send_response(200)
    handler.send_header("Content-Type", "text/calendar")
    handler.end_headers()
    handler.wfile.write(b"BEGIN:VCALENDAR\r\n")
    for _ in range(STALL_S * 10):  # a byte every 0.1 s: each read is quick, the whole is not
        time.sleep(0.1)
        handler.wfile.write(b"X")
        handler.wfile.flush()


def _huge_declared(handler: FeedHandler) -> None:
    handler.send_response(200)
    handler.send_header("Content-Type", "text/calendar")
    handler.send_header("Content-Length", str(sources.MAX_BYTES + 1))
    handler.end_headers()
    handler.wfile.write(b"BEGIN:VCALENDAR\r\n")


def _huge_streamed(handler: FeedHandler) -> None:
    handler.send_response(200)
    handler.send_header("Content-Type", "text/calendar")
    handler.end_headers()
    handler.wfile.write(b"BEGIN:VCALENDAR\r\n")
    line = b"X-PADDING:" + b"x" * 1012 + b"\r\n"  # 1 KiB
    chunk = line * 1024
    for _ in range(sources.MAX_BYTES // len(chunk) + 2):
        handler.wfile.write(chunk)


ROUTES: dict[str, Callable[[FeedHandler], None]] = {
    "/feed.ics": _feed,
    "/redirect": _redirect,
    "/loop": _loop,
    "/private.ics": lambda h: h.answer(401, b"login first", "text/plain"),
    "/broken.ics": lambda h: h.answer(503, b"down for maintenance", "text/plain"),
    "/slow.ics": _slow,
    "/trickle.ics": _trickle,
    "/huge-declared.ics": _huge_declared,
    "/huge-streamed.ics": _huge_streamed,
    "/page": lambda h: h.answer(
        200, b"<!DOCTYPE html><html><body>Log in</body></html>", "text/html"
    ),
    "/latin1.ics": lambda h: h.answer(200, (CALENDARS / "bad/latin1_bytes.ics").read_bytes()),
    "/gzipped.ics": lambda h: h.answer(
        200, gzip.compress(LECTURES.read_bytes()), Content_Encoding="gzip"
    ),
}


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    """A real HTTP server on a free loopback port, for this module's tests."""
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), FeedHandler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture(autouse=True)
def _no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    """Loopback requests never go through a proxy the machine may have configured."""
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")


def spans(inputs: api.Inputs) -> list[tuple[int, int, str, bool]]:
    return [(c.start, c.end, c.summary, c.study) for c in inputs.calendar.commitments]


def fetch_error(url: str) -> CalendarError:
    with pytest.raises(CalendarError) as caught:
        sources.read_source(url)
    assert caught.value.file == url and caught.value.fix
    return caught.value


# --- feeds that work -----------------------------------------------------------------------


def test_a_feed_reads_exactly_as_the_same_file(server: str) -> None:
    from_feed = api.load_inputs([f"{server}/feed.ics"], profile=BERLIN, week=WEEK)
    from_file = api.load_inputs([LECTURES], profile=BERLIN, week=WEEK)
    assert [c[:3] for c in spans(from_feed)] == [c[:3] for c in spans(from_file)]
    assert from_feed.calendar.sources == (f"{server}/feed.ics",)
    assert pipeline.plan(from_feed).check.ok


def test_redirects_are_followed(server: str) -> None:
    assert sources.read_source(f"{server}/redirect") == LECTURES.read_bytes()


def test_a_feed_sent_gzipped_unasked_is_unpacked(server: str) -> None:
    assert sources.read_source(f"{server}/gzipped.ics") == LECTURES.read_bytes()


def test_plan_reads_feeds_given_on_the_command_line_and_as_study(
    server: str, tmp_path: Path
) -> None:
    out = tmp_path / "week.ics"
    args = ["plan", f"{server}/feed.ics", "--study", f"{server}/redirect", "--week", WEEK]
    result = CliRunner().invoke(main, [*args, "--tz", "Europe/Berlin", "-o", str(out), "--quiet"])
    assert result.exit_code == 0, result.output
    check = CliRunner().invoke(main, ["check", str(out), f"{server}/feed.ics"])
    assert check.exit_code == 0, check.output


def test_profile_calendars_may_be_feeds(server: str, tmp_path: Path) -> None:
    profile = tmp_path / "profile.toml"
    profile.write_text(f'timezone = "Europe/Berlin"\ncalendars = ["{server}/feed.ics"]\n')
    inputs = api.load_inputs(profile=profile, week=WEEK)
    assert inputs.calendar.sources == (f"{server}/feed.ics",)


# --- feeds that fail -----------------------------------------------------------------------


def test_a_missing_feed_is_http_404(server: str) -> None:
    error = fetch_error(f"{server}/gone.ics")
    assert "HTTP 404" in error.message and "moved or unshared" in (error.fix or "")


def test_a_feed_behind_a_login_says_to_use_the_secret_address(server: str) -> None:
    error = fetch_error(f"{server}/private.ics")
    assert "HTTP 401" in error.message and "secret" in (error.fix or "")


def test_a_server_error_says_to_try_again(server: str) -> None:
    assert "HTTP 503" in fetch_error(f"{server}/broken.ics").message


def test_a_redirect_loop_stops(server: str) -> None:
    error = fetch_error(f"{server}/loop")
    assert f"redirects cannot be followed (HTTP 302): more than {sources.MAX_REDIRECTS}" in (
        error.message
    )


@pytest.mark.timeout(CLIENT_GIVES_UP_S)
def test_a_server_that_does_not_answer_in_time_is_a_timeout(
    server: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(sources.TIMEOUT_VARIABLE, "0.5")
    error = fetch_error(f"{server}/slow.ics")
    assert "within 0.5 s" in error.message and sources.TIMEOUT_VARIABLE in (error.fix or "")


@pytest.mark.timeout(CLIENT_GIVES_UP_S)
def test_a_trickling_server_cannot_stretch_the_timeout(
    server: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(sources.TIMEOUT_VARIABLE, "1")
    assert "within 1 s" in fetch_error(f"{server}/trickle.ics").message


def test_a_feed_declared_larger_than_the_cap_is_refused_before_reading(server: str) -> None:
    assert "larger than 64 MiB" in fetch_error(f"{server}/huge-declared.ics").message


def test_a_feed_streaming_past_the_cap_is_cut_off(server: str) -> None:
    assert "larger than 64 MiB" in fetch_error(f"{server}/huge-streamed.ics").message


def test_a_web_page_is_not_a_feed(server: str) -> None:
    error = fetch_error(f"{server}/page")
    assert "did not return an iCalendar feed (text/html)" in error.message
    assert "<!DOCTYPE html>" in error.message


def test_a_feed_in_the_wrong_encoding_names_the_url_and_line(server: str) -> None:
    url = f"{server}/latin1.ics"
    with pytest.raises(CalendarError) as caught:
        api.load_inputs([url], profile=BERLIN, week=WEEK)
    assert caught.value.file == url and caught.value.where == "line 7"


def test_a_refused_connection_names_the_url() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    error = fetch_error(f"http://127.0.0.1:{port}/feed.ics")
    assert "refused the connection" in error.message


def test_an_unknown_host_names_the_host() -> None:
    error = fetch_error("https://calendar.nonexistent.invalid/feed.ics")
    assert "'calendar.nonexistent.invalid' is unknown" in error.message


def test_webcal_means_https() -> None:
    assert sources.feed_url("webcal://example.org/a/b.ics?k=1") == "https://example.org/a/b.ics?k=1"
    assert sources.feed_url("WEBCALS://example.org") == "https://example.org/"
    assert sources.kind("webcal://example.org/b.ics") == "feed"


def test_webcal_to_a_plain_http_server_is_a_tls_error_naming_the_webcal_url(server: str) -> None:
    url = server.replace("http://", "webcal://") + "/feed.ics"
    error = fetch_error(url)
    assert "secure (TLS) connection failed" in error.message


def test_other_schemes_are_refused_with_the_supported_ones() -> None:
    with pytest.raises(CalendarError) as caught:
        sources.read_source("ftp://example.org/cal.ics")
    assert "ftp:// addresses are not supported" in caught.value.message
    assert "webcal://" in (caught.value.fix or "")


@pytest.mark.parametrize("setting", ["soon", "0", "-3", "nan"])
def test_a_bad_timeout_setting_is_named(setting: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(sources.TIMEOUT_VARIABLE, setting)
    with pytest.raises(CalendarError) as caught:
        sources.read_source("https://example.org/feed.ics")
    assert sources.TIMEOUT_VARIABLE in caught.value.message


def test_the_cli_reports_a_failing_feed_in_one_paragraph(server: str, tmp_path: Path) -> None:
    out = tmp_path / "week.ics"
    result = CliRunner().invoke(main, ["plan", f"{server}/gone.ics", "-o", str(out)])
    assert result.exit_code == 2 and not out.exists()
    assert f"{server}/gone.ics" in result.output and "HTTP 404" in result.output
    assert "Traceback" not in result.output
