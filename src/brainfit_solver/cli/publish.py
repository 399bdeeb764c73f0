"""`brainfit publish`: a plan's sessions written to a CalDAV calendar."""

from __future__ import annotations

from pathlib import Path

import click

from .common import EXIT_CODES, reports_errors


@click.command("publish", epilog=EXIT_CODES)
@click.argument("plan_file", metavar="PLAN.ics", type=click.Path(path_type=Path))
@click.option(
    "--caldav",
    "url",
    required=True,
    metavar="URL",
    help="The CalDAV calendar collection to write to (caldavs://, caldav://, https:// or "
    "http://; one calendar, not a principal: checked before anything is written). "
    "Credentials come from BRAINFIT_CALDAV_USER/BRAINFIT_CALDAV_PASSWORD or ~/.netrc, "
    "never from the URL.",
)
@click.option(
    "--previous",
    type=click.Path(dir_okay=False, path_type=Path),
    metavar="PLAN.ics",
    help="The plan published before: its sessions missing from PLAN.ics are deleted too.",
)
@click.option("--quiet", is_flag=True, help="Print nothing but errors.")
@reports_errors
def publish_command(plan_file: Path, url: str, previous: Path | None, quiet: bool) -> None:
    """Write PLAN.ics's sessions to a CalDAV calendar: same UID updates, cancelled ones
    are deleted, the calendar's other events are never touched; safe to repeat."""
    from ..calendars.credentials import check_url, find_credentials
    from ..core.errors import CalendarError
    from ..outputs.publish import publish

    def read(path: Path, what: str) -> bytes:
        try:
            return path.read_bytes()
        except OSError as exc:
            raise CalendarError(f"cannot read the {what} ({exc.strerror})", file=path) from exc

    url = check_url(url)
    report = publish(
        read(plan_file, "plan"),
        url,
        previous=read(previous, "previous plan") if previous is not None else None,
        credentials=find_credentials(url),
        source=str(plan_file),
    )
    if not quiet:
        click.echo(f"published {plan_file} to {url}: {report.summary()}")
