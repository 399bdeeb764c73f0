"""`brainfit compare`: how one plan's report differs from another's, week by week."""

from __future__ import annotations

from pathlib import Path

import click
from rich.console import Console

from .common import EXIT_CODES, reports_errors


@click.command("compare", epilog=EXIT_CODES)
@click.argument("report_a", metavar="A.json", type=click.Path(path_type=Path))
@click.argument("report_b", metavar="B.json", type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the comparison as JSON.")
@reports_errors
def compare_command(report_a: Path, report_b: Path, as_json: bool) -> None:
    """Show how plan B differs from plan A (two `plan --json` reports of the same weeks, e.g.
    made with different --weight settings), week by week: sessions moved, resized, added or
    removed, and each soft rule's weight, count and points side by side."""
    from ..outputs.compare import compare_reports
    from ..outputs.report import read_report
    from ..outputs.summary import comparisons_view

    diff = compare_reports(
        read_report(report_a),
        read_report(report_b),
        label_a=report_a.name,
        label_b=report_b.name,
    )
    if as_json:
        click.echo(diff.model_dump_json(indent=2))
        return
    Console(highlight=False).print(comparisons_view(diff))
