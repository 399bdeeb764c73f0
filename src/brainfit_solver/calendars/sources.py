"""Where a calendar's bytes come from: a file, an ICS feed URL or a CalDAV calendar.

Everywhere a calendar is named (``brainfit plan`` arguments, ``--study``, the profile's
``calendars``), one of these is accepted; ``read_source`` returns the bytes of one
iCalendar document and ``calendars.reading`` reads them, so every source shares one reader
(recurrences, TRANSP, zones, errors):

- a path: read as is, at most 64 MiB;
- ``https://`` or ``http://`` (local feeds), ``webcal://`` or ``webcals://``: an ICS feed
  (a subscription link). ``webcal`` is no registered scheme, only the convention Apple and
  Google use to say "subscribe to this"; it is fetched over https. Redirects are followed
  (at most ``MAX_REDIRECTS``), the answer is capped at 64 MiB, and the whole download must
  finish within ``BRAINFIT_FEED_TIMEOUT`` seconds (default 20);
- ``caldavs://`` (https) or ``caldav://`` (plain http, for a server on this machine): a
  CalDAV calendar collection (RFC 4791). Only the events that can touch the planned days are
  asked for (a calendar-query with a time-range, §7.8), and their calendar objects are put
  together into one VCALENDAR with their VTIMEZONEs. Credentials come from
  ``BRAINFIT_CALDAV_USER``/``BRAINFIT_CALDAV_PASSWORD`` or the netrc file (``$NETRC`` or
  ``~/.netrc``), as for ``brainfit publish``; never from the command line or the URL.

Every failure is a ``CalendarError`` naming the source and what to do about it.
"""

from __future__ import annotations

import datetime as dt
import math
import os
import socket
import ssl
import time
import urllib.error
import urllib.request
import zlib
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Literal
from urllib.parse import urlsplit, urlunsplit

from ..core.errors import CalendarError
from .credentials import CALDAV_SCHEMES, caldav_url, find_credentials

if TYPE_CHECKING:
    from caldav.collection import Calendar as DavCalendar

MAX_BYTES = 64 * 1024 * 1024
MAX_REDIRECTS = 5
DEFAULT_TIMEOUT_S = 20.0
TIMEOUT_VARIABLE = "BRAINFIT_FEED_TIMEOUT"

_FEED_SCHEMES = {"http": "http", "https": "https", "webcal": "https", "webcals": "https"}
_SUPPORTED = "https://, http://, webcal://, caldavs:// or caldav://"
_CHUNK = 1024 * 1024
_MARGIN = dt.timedelta(days=3)  # around the planned days, for every zone on Earth
_USER_AGENT = "brainfit-solver (calendar feed reader)"

Kind = Literal["file", "feed", "caldav"]


def kind(source: str | Path) -> Kind:
    """What ``source`` names: a file, an ICS feed or a CalDAV calendar."""
    if isinstance(source, Path) or "://" not in source:
        return "file"
    scheme = urlsplit(source).scheme.lower()
    if scheme in _FEED_SCHEMES:
        return "feed"
    if scheme in CALDAV_SCHEMES:
        return "caldav"
    raise CalendarError(
        f"{scheme or 'this'}:// addresses are not supported",
        file=str(source),
        fix=f"Pass a file path or an address starting with {_SUPPORTED}",
    )


def read_source(source: str | Path, *, dates: tuple[dt.date, dt.date] | None = None) -> bytes:
    """The iCalendar bytes behind ``source``.

    ``dates`` (first and last planned day) narrows a CalDAV query to the events that can
    touch those days; files and feeds are always read whole.
    """
    match kind(source):
        case "file":
            return read_file(Path(source), str(source))
        case "feed":
            return fetch_feed(str(source))
        case _:
            return read_caldav(str(source), dates)


def timeout() -> float:
    """Seconds a feed download or a CalDAV request may take: $BRAINFIT_FEED_TIMEOUT or 20."""
    text = os.environ.get(TIMEOUT_VARIABLE, "").strip()
    if not text:
        return DEFAULT_TIMEOUT_S
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not (math.isfinite(value) and value > 0):
        raise CalendarError(
            f"{TIMEOUT_VARIABLE}={text!r} is not a positive number of seconds",
            fix=f"Set it to e.g. 60, or unset it for the default of {DEFAULT_TIMEOUT_S:g}",
        )
    return value


# --- files ---------------------------------------------------------------------------------


def read_file(path: Path, name: str) -> bytes:
    """The file's bytes, refusing more than MAX_BYTES before reading them all."""
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_BYTES + 1)
    except OSError as exc:
        raise CalendarError(
            f"cannot read the calendar ({exc.strerror or exc})",
            file=name,
            fix="Check that the path names an .ics file you can read",
        ) from exc
    if len(data) > MAX_BYTES:
        raise _too_large(name)
    return data


def _too_large(name: str) -> CalendarError:
    return CalendarError(
        f"the calendar is larger than {MAX_BYTES // (1024 * 1024)} MiB",
        file=name,
        fix="Export only the months around the planned week",
    )


# --- ICS feeds -----------------------------------------------------------------------------


def feed_url(url: str) -> str:
    """The URL actually fetched: webcal:// and webcals:// become https://."""
    parts = urlsplit(url)
    scheme = _FEED_SCHEMES[parts.scheme.lower()]
    return urlunsplit((scheme, parts.netloc, parts.path or "/", parts.query, ""))


class _LimitedRedirects(urllib.request.HTTPRedirectHandler):
    """urllib's redirect handling, with our limit (it raises HTTPError 3xx past it)."""

    max_redirections = MAX_REDIRECTS
    max_repeats = 2


def fetch_feed(url: str) -> bytes:
    """Download an ICS feed: at most MAX_BYTES, within ``timeout()`` seconds in all."""
    target = feed_url(url)
    limit = timeout()
    deadline = time.monotonic() + limit
    request = urllib.request.Request(
        target, headers={"User-Agent": _USER_AGENT, "Accept": "text/calendar, */*;q=0.1"}
    )
    opener = urllib.request.build_opener(_LimitedRedirects())
    try:
        with opener.open(request, timeout=limit) as response:
            declared = response.headers.get("Content-Length", "")
            if declared.isdigit() and int(declared) > MAX_BYTES:
                raise _too_large(url)
            content_type = response.headers.get("Content-Type", "")
            encoding = response.headers.get("Content-Encoding", "").strip().lower()
            data = _read_until(getattr(response, "read1", response.read), deadline, limit, url)
    except CalendarError:
        raise
    except urllib.error.HTTPError as exc:
        exc.close()  # it holds the connection of the answer it stands for
        raise _http_error(url, exc.code, exc.reason) from exc
    except TimeoutError as exc:
        raise _timed_out(url, limit) from exc
    except urllib.error.URLError as exc:
        raise _unreachable(url, exc.reason) from exc
    except (OSError, ValueError) as exc:  # a reset connection, a malformed URL, …
        raise _unreachable(url, exc) from exc
    if encoding in ("gzip", "x-gzip"):  # sent although we did not ask for it
        data = _gunzip(data, url)
    _check_looks_like_icalendar(data, url, content_type)
    return data


def _gunzip(data: bytes, url: str) -> bytes:
    """A gzip body unpacked, at most MAX_BYTES of it."""
    unpacker = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        plain = unpacker.decompress(data, MAX_BYTES + 1)
    except zlib.error as exc:
        raise CalendarError(
            f"the feed is sent compressed but cannot be unpacked ({exc})",
            file=url,
            fix="Try again later; if it persists, download the feed and pass the .ics file",
        ) from exc
    if len(plain) > MAX_BYTES:
        raise _too_large(url)
    return plain


def _read_until(read: Callable[[int], bytes], deadline: float, limit: float, url: str) -> bytes:
    """The body in chunks, stopping past MAX_BYTES or the deadline: ``read1`` returns what
    one receive brings, so a server trickling bytes cannot stretch the download forever."""
    chunks: list[bytes] = []
    size = 0
    while True:
        if time.monotonic() > deadline:
            raise _timed_out(url, limit)
        chunk = read(min(_CHUNK, MAX_BYTES + 1 - size))
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)
        size += len(chunk)
        if size > MAX_BYTES:
            raise _too_large(url)


def _check_looks_like_icalendar(data: bytes, url: str, content_type: str) -> None:
    """A login page or an error page served with status 200 is named as such, not parsed."""
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head[:15].upper() == b"BEGIN:VCALENDAR":
        return
    shown = head[:40].decode("utf-8", "replace").splitlines()[0] if head.strip() else "nothing"
    served = f" ({content_type.split(';')[0].strip()})" if content_type else ""
    raise CalendarError(
        f"the address did not return an iCalendar feed{served}; it starts with {shown!r}",
        file=url,
        fix="Copy the calendar's iCal/ICS address again from its sharing or export settings "
        "(the web page's own address is not a feed)",
    )


def _http_error(url: str, status: int, reason: object) -> CalendarError:
    if 300 <= status < 400:
        return CalendarError(
            f"the server's redirects cannot be followed (HTTP {status}): more than "
            f"{MAX_REDIRECTS}, in a loop, or to an address that is not http(s)",
            file=url,
            fix="Open the address in a browser and pass the address it finally shows",
        )
    if status in (401, 403):
        fix = "Use the calendar's secret (private) iCal address, which needs no login"
    elif status in (404, 410):
        fix = "Check the address; the feed may have been moved or unshared"
    else:
        fix = "Try again later; if it persists, check the address in a browser"
    return CalendarError(f"the server answered HTTP {status} {reason}".rstrip(), file=url, fix=fix)


def _timed_out(url: str, limit: float) -> CalendarError:
    return CalendarError(
        f"no complete answer within {limit:g} s",
        file=url,
        fix=f"Try again later, or allow more time with {TIMEOUT_VARIABLE}=60",
    )


_FEED_FIX = (
    "Check the address and your network connection, or download the feed and pass the .ics "
    "file instead"
)
_CALDAV_FIX = "Check the address, that the server is running and your network connection"


def _unreachable(url: str, reason: object, fix: str = _FEED_FIX) -> CalendarError:
    if isinstance(reason, TimeoutError):
        return _timed_out(url, timeout())
    if isinstance(reason, socket.gaierror):
        what = f"the host {urlsplit(url).hostname!r} is unknown"
    elif isinstance(reason, ConnectionRefusedError):
        what = "the server refused the connection"
    elif isinstance(reason, ssl.SSLError | ssl.CertificateError):
        what = f"a secure (TLS) connection failed ({reason})"
    else:
        what = f"the server cannot be reached ({reason})"
    return CalendarError(what, file=url, fix=fix)


# --- CalDAV --------------------------------------------------------------------------------


def read_caldav(url: str, dates: tuple[dt.date, dt.date] | None) -> bytes:
    """The events of a CalDAV calendar that can touch ``dates`` (all if None), as one
    VCALENDAR: each calendar object's VEVENTs as stored, their VTIMEZONEs once each."""
    from caldav.calendarobjectresource import CalendarObjectResource
    from caldav.collection import Calendar as DavCalendar
    from caldav.davclient import DAVClient

    target = caldav_url(url)
    credentials = find_credentials(target)
    user = credentials.username if credentials is not None else None
    password = credentials.password if credentials is not None else None
    try:
        with DAVClient(
            url=target, username=user, password=password, timeout=math.ceil(timeout())
        ) as client:
            calendar = DavCalendar(client=client, url=target)
            name = calendar_collection(calendar, url)
            found: object
            if dates is None:
                found = calendar.search(event=True)
            else:
                start = dt.datetime.combine(dates[0] - _MARGIN, dt.time(0), dt.UTC)
                end = dt.datetime.combine(dates[1] + _MARGIN, dt.time(0), dt.UTC)
                found = calendar.search(
                    start=start, end=end, event=True, expand=False, post_filter=False
                )
            assert isinstance(found, list)  # a synchronous client
            items: list[object] = list(found)
            objects = [
                (str(item.url), str(item.data or ""))
                for item in items
                if isinstance(item, CalendarObjectResource)
            ]
    except CalendarError:
        raise
    except Exception as exc:  # the third-party client raises many kinds; each is named
        raise _caldav_error(url, exc, credentials is not None) from exc
    return assemble(objects, url, display_name=name)


def calendar_collection(calendar: DavCalendar, url: str) -> str | None:
    """The display name of the CalDAV calendar collection at ``url`` (None if it has none).

    Anything else (a principal, a folder of calendars, an address book) is a CalendarError:
    reading it would find no events, and writing into it (``outputs.publish``) would make a new
    collection on the server for every session. Asked for before anything is read or written.
    """
    from caldav.elements import dav

    props = calendar.get_properties([dav.ResourceType(), dav.DisplayName()])
    assert isinstance(props, dict)  # a synchronous client
    types = props.get("{DAV:}resourcetype") or []
    if "{urn:ietf:params:xml:ns:caldav}calendar" not in types:
        raise CalendarError(
            "this address is not a CalDAV calendar collection",
            file=url,
            fix="Pass the address of one calendar (in the calendar app's settings, "
            "e.g. caldavs://dav.example.org/calendars/alice/personal/)",
        )
    name = props.get("{DAV:}displayname")
    return str(name) if name else None


def _caldav_error(url: str, exc: Exception, had_credentials: bool) -> CalendarError:
    from caldav.lib.error import AuthorizationError, NotFoundError

    status = getattr(exc, "status", None) or getattr(exc, "reason", None)
    if isinstance(exc, AuthorizationError) or str(status).startswith(("401", "403")):
        return CalendarError(
            "the CalDAV server refused access (HTTP 401/403)",
            file=url,
            fix=(
                "Check the user name and password in BRAINFIT_CALDAV_USER/"
                "BRAINFIT_CALDAV_PASSWORD or in your ~/.netrc"
                if had_credentials
                else "Set BRAINFIT_CALDAV_USER and BRAINFIT_CALDAV_PASSWORD, or add a "
                "'machine HOST login USER password PASSWORD' line to ~/.netrc"
            ),
        )
    if isinstance(exc, NotFoundError):
        return CalendarError(
            "there is no calendar at this address (HTTP 404)",
            file=url,
            fix="Copy the calendar's CalDAV address again from the calendar app's settings",
        )
    if _caused_by(exc, TimeoutError) or "timed out" in str(exc).lower():
        return _timed_out(url, timeout())
    text = str(exc)
    if _caused_by(exc, socket.gaierror) or "NameResolutionError" in text:
        return _unreachable(url, socket.gaierror(), _CALDAV_FIX)
    if _caused_by(exc, ConnectionRefusedError) or "Connection refused" in text:
        return _unreachable(url, ConnectionRefusedError(), _CALDAV_FIX)
    return CalendarError(
        f"the CalDAV request failed ({type(exc).__name__}: {_first_line(exc)})",
        file=url,
        fix=_CALDAV_FIX,
    )


def _caused_by(exc: BaseException, kinds: type | tuple[type, ...]) -> bool:
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, kinds):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def _first_line(exc: Exception) -> str:
    text = str(exc).strip()
    return (text.splitlines() or [""])[0][:200]


def assemble(
    objects: Sequence[tuple[str, str]], source: str, *, display_name: str | None = None
) -> bytes:
    """One VCALENDAR from CalDAV calendar objects (href, text): their VEVENTs and VFREEBUSYs
    as stored, each VTIMEZONE once (by TZID, the first one kept), others left out.

    The calendar's display name becomes X-WR-CALNAME, so a profile can name it in
    ``study.calendars`` as it names an exported file's calendar.
    """
    zones: dict[str, str] = {}
    events: list[str] = []
    for href, text in objects:
        for name, block in _top_components(text, href, source):
            if name == "VTIMEZONE":
                zones.setdefault(_tzid(block), block)
            elif name in ("VEVENT", "VFREEBUSY"):
                events.append(block)
    head = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//brainfit-solver//CalDAV busy time//EN"]
    if display_name:
        head.append("X-WR-CALNAME:" + _escape_text(display_name))
    lines = [*head, *zones.values(), *events, "END:VCALENDAR", ""]
    return "\r\n".join(lines).encode("utf-8")


def _top_components(text: str, href: str, source: str) -> Iterator[tuple[str, str]]:
    """(name, text) of each component directly inside the object's VCALENDAR."""
    stack: list[str] = []
    start = 0
    lines = [line.removesuffix("\r") for line in text.split("\n")]
    for index, line in enumerate(lines):
        head, _, value = line.partition(":")
        keyword = head.partition(";")[0].strip().upper()
        if keyword not in ("BEGIN", "END"):
            continue
        block = value.strip().upper()
        if keyword == "BEGIN":
            stack.append(block)
            if len(stack) == 2:
                start = index
            continue
        if not stack or stack[-1] != block:
            raise CalendarError(
                f"the server sent a damaged calendar object ({href}: END:{block} does not match)",
                file=source,
                fix="Open the event in a calendar app and save it again, or delete it",
            )
        stack.pop()
        if len(stack) == 1:
            yield block, "\r\n".join(lines[start : index + 1])
    if stack:
        raise CalendarError(
            f"the server sent a truncated calendar object ({href})",
            file=source,
            fix="Try again; if it persists, open the event in a calendar app and save it again",
        )


def _tzid(block: str) -> str:
    for line in block.split("\r\n"):
        if line[:4].upper() == "TZID" and line[4:5] in (":", ";"):
            return line.partition(":")[2].strip()
    return ""


def _escape_text(value: str) -> str:
    """A TEXT value (RFC 5545 §3.3.11) on one line."""
    for raw, escaped in (("\\", "\\\\"), (";", "\\;"), (",", "\\,"), ("\n", "\\n")):
        value = value.replace(raw, escaped)
    return value.replace("\r", "")
