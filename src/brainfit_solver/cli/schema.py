"""`brainfit schema`: the JSON Schema of the `plan --json` report."""

from __future__ import annotations

import click


@click.command("schema")
def schema_command() -> None:
    """Print the JSON Schema of the `plan --json` report (shipped as docs/report.schema.json)."""
    from ..outputs.report import report_schema_json

    click.echo(report_schema_json(), nl=False)
