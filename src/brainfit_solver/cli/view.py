"""`brainfit view`: the week picture drawn from a saved report (or the team page from a team
report), without planning again."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..outputs.files import Output, check_outputs, write_outputs
from .common import EXIT_CODES, output_option, reports_errors


@click.command("view", epilog=EXIT_CODES)
@click.argument("report", metavar="REPORT.json", type=click.Path(path_type=Path))
@output_option(
    "-o",
    "--output",
    required=True,
    help="Where to write the picture (one self-contained HTML file)",
)
@output_option("--svg", "svg_path", help="Also write the picture as a standalone SVG")
@reports_errors
def view_command(report: Path, output: str, svg_path: str | None) -> None:
    """Draw the weeks of a `plan --json` report as the picture `plan --html` writes: the
    grid with windows, busy and study blocks and sessions, why each session sits where it
    does, and the objective by rule (an impossible week: its explanation). A team report
    (`group`'s team-report.json) gives the team page `group --html` writes."""
    from ..core.errors import ReportError
    from ..outputs.picture import render_html, render_svg
    from ..outputs.report import read_report
    from ..outputs.team import is_team_report, read_team_report
    from ..outputs.team_page import render_team_html

    targets = [Output("-o", output), *([Output("--svg", svg_path)] if svg_path else [])]
    check_outputs(targets, [report])
    try:
        data = report.read_bytes()
    except OSError:
        data = b""  # read_report names the file and the reason
    if is_team_report(data):
        if svg_path:
            raise ReportError(
                "a team report is drawn as an HTML page only",
                file=report,
                fix="Drop --svg (the team page is written with -o)",
            )
        contents = [(targets[0], render_team_html(read_team_report(report, data)))]
    else:
        document = read_report(report)
        contents = [(targets[0], render_html(document))]
        if svg_path:
            contents.append((targets[1], render_svg(document)))
    write_outputs(contents, [report], sys.stdout.buffer)
