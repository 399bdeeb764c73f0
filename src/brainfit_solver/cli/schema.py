"""`brainfit schema`: the JSON Schema of the `plan --json` report, or of the team report."""

from __future__ import annotations

import click


@click.command("schema")
@click.option("--team", is_flag=True, help="The schema of `group`'s team-report.json instead.")
def schema_command(team: bool) -> None:
    """Print the JSON Schema of the `plan --json` report (shipped as docs/report.schema.json),
    or with --team of the team report `brainfit group` writes."""
    if team:
        from ..outputs.team import team_schema_json

        click.echo(team_schema_json(), nl=False)
        return
    from ..outputs.report import report_schema_json

    click.echo(report_schema_json(), nl=False)
