"""`brainfit serve`: the week picture in a local web app, with a slider per soft rule."""

from __future__ import annotations

import socket
from pathlib import Path

import click

from ..core.errors import ProfileError
from .common import CALENDAR, EXIT_CODES, load_inputs, reports_errors, warn_about_calendars


@click.command("serve", epilog=EXIT_CODES)
@click.argument("calendars", nargs=-1, type=CALENDAR)
@click.option(
    "--profile",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Profile TOML; 'Save weights' writes the page's weights into its [weights] table.",
)
@click.option(
    "--rules",
    "rules",
    multiple=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Rule-set TOML (repeatable: the page offers each; the first is used first); "
    "default: the bundled brain-health protocol.",
)
@click.option("--week", help="ISO week (2026-W49) or a date in it; default: next full week.")
@click.option("--tz", help="IANA time zone; default: profile, then calendar, then system.")
@click.option(
    "--study",
    "study",
    multiple=True,
    type=CALENDAR,
    help="A calendar whose events are all study blocks (repeatable).",
)
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=8765,
    show_default=True,
    help="Port to listen on; 0 picks a free one.",
)
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on. Anything but 127.0.0.1 or ::1 lets other machines reach it.",
)
@reports_errors
def serve_command(
    calendars: tuple[Path | str, ...],
    profile: Path | None,
    rules: tuple[Path, ...],
    week: str | None,
    tz: str | None,
    study: tuple[Path | str, ...],
    port: int,
    host: str,
) -> None:
    """Serve the week picture at a local address (printed, with its token) where each soft
    rule's weight is a slider: moving one plans the week again and shows what moved. The
    calendars, profile and rule files are the only files it reads, besides calendars
    uploaded in the page. Needs the web extra: pip install 'brainfit-solver[web]'."""
    try:
        import uvicorn

        from ..web import ServeConfig, create_app, new_token, served_host
    except ImportError as exc:
        raise ProfileError(
            f"brainfit serve needs the web extra ({exc.name} is not installed)",
            fix="Install it: pip install 'brainfit-solver[web]'",
        ) from exc
    if host in ("0.0.0.0", "::", ""):
        # Requests are answered only for the address served (DNS rebinding), so it must be
        # the one address browsers will use, not every address of the machine.
        raise ProfileError(
            f"--host {host!r} listens on every address, but brainfit serve answers only "
            "requests to the one address it prints",
            where="--host",
            fix="Give the address other machines reach it by, e.g. --host 192.168.1.20",
        )
    # Read everything once before serving: a bad calendar or profile fails here, as in `plan`.
    for rule_file in rules or (None,):
        inputs = load_inputs(calendars, profile, rule_file, week, tz, study, ())
    warn_about_calendars(inputs)
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    try:
        sock = socket.create_server((host, port), family=family)
    except OSError as exc:
        raise ProfileError(
            f"cannot listen on {host}:{port} ({exc.strerror})",
            where="--host/--port",
            fix="Choose another port (--port 0 picks a free one)",
        ) from exc
    address = served_host(host, sock.getsockname()[1])
    token = new_token()
    config = ServeConfig(tuple(calendars), profile, tuple(rules), week, tz, tuple(study))
    app = create_app(config, token=token, allowed_host=address)
    click.echo(f"brainfit serve: open http://{address}/?token={token}")
    click.echo("Only this address and token work; Ctrl-C stops the server.")
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on"))
    server.run(sockets=[sock])
