"""Where CalDAV credentials come from, for reading (``calendars.sources``) and publishing alike.

``BRAINFIT_CALDAV_USER``/``BRAINFIT_CALDAV_PASSWORD`` or, failing those, the netrc file
(``$NETRC`` or ``~/.netrc``) entry for the server's host; never the command line or the URL,
where they would end up in shell history and logs.
"""

from __future__ import annotations

import netrc
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from ..core.errors import CalendarError

USER_VARIABLE = "BRAINFIT_CALDAV_USER"
PASSWORD_VARIABLE = "BRAINFIT_CALDAV_PASSWORD"


CALDAV_SCHEMES = {"caldav": "http", "caldavs": "https"}
"""How calendars name a CalDAV collection (``caldavs://host/path/``), for reading and
publishing alike, and the http(s) scheme each stands for."""


@dataclass(frozen=True)
class Credentials:
    username: str
    password: str
    origin: str  # where they were found, for messages (never the password itself)


def check_url(url: str) -> str:
    """The calendar collection's http(s) URL, refused when it carries credentials or is not
    an address of a CalDAV server: ``http(s)://``, or ``caldav://``/``caldavs://`` as reading
    a calendar takes them (``caldav_url``)."""
    parts = urlsplit(url)
    if parts.scheme.lower() in CALDAV_SCHEMES:
        return caldav_url(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise CalendarError(
            f"{url!r} is not the address of a CalDAV calendar (caldavs://, caldav://, "
            "https:// or http://)",
            fix="Pass the calendar collection's address, e.g. "
            "caldavs://dav.example.org/calendars/alice/sport/",
        )
    if parts.username or parts.password:
        raise CalendarError(
            "the CalDAV URL contains credentials",
            fix=(
                f"Remove them from the URL; set {USER_VARIABLE} and {PASSWORD_VARIABLE} "
                "or add the host to your ~/.netrc"
            ),
        )
    return url if url.endswith("/") else url + "/"


def find_credentials(url: str, environ: Mapping[str, str] | None = None) -> Credentials | None:
    """The credentials for ``url``: environment first, then the netrc entry of its host."""
    env = os.environ if environ is None else environ
    user, password = env.get(USER_VARIABLE), env.get(PASSWORD_VARIABLE)
    if user:
        return Credentials(user, password or "", "environment")
    path = Path(env["NETRC"]) if env.get("NETRC") else Path.home() / ".netrc"
    if not path.is_file():
        return None
    try:
        entry = netrc.netrc(str(path)).authenticators(urlsplit(url).hostname or "")
    except (netrc.NetrcParseError, OSError) as exc:
        raise CalendarError(
            f"cannot read the netrc file ({exc})", file=path, fix="Fix or remove that file"
        ) from exc
    if entry is None:
        return None
    login, _, secret = entry
    return Credentials(login or "", secret or "", str(path))


def caldav_url(url: str) -> str:
    """The collection's http(s) URL, refused when it carries credentials."""
    parts = urlsplit(url)
    if parts.username or parts.password:
        raise CalendarError(
            "the CalDAV address contains credentials",
            file=_without_credentials(url),
            fix="Remove them from the address; set BRAINFIT_CALDAV_USER and "
            "BRAINFIT_CALDAV_PASSWORD or add the host to your ~/.netrc",
        )
    if not parts.hostname:
        raise CalendarError(
            "the CalDAV address names no server",
            file=url,
            fix="Write it as caldavs://dav.example.org/calendars/alice/personal/",
        )
    path = parts.path if parts.path.endswith("/") else parts.path + "/"
    return urlunsplit((CALDAV_SCHEMES[parts.scheme.lower()], parts.netloc, path, parts.query, ""))


def _without_credentials(url: str) -> str:
    parts = urlsplit(url)
    host = parts.netloc.rpartition("@")[2]
    return urlunsplit((parts.scheme, host, parts.path, parts.query, ""))
