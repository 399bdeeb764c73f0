"""`brainfit weights`: the soft rules' weights, what each gives points for, and its source."""

from __future__ import annotations

from pathlib import Path

import click
from rich.console import Console

from .common import parse_weights, reports_errors


@click.command("weights")
@click.argument("rules_file", metavar="[RULES]", required=False, type=click.Path(path_type=Path))
@click.option(
    "--profile",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Show the weights as this profile's [weights] table sets them.",
)
@click.option(
    "--weight",
    "weights",
    multiple=True,
    metavar="NAME=VALUE",
    help="Show the weights with this override (repeatable), as `plan --weight` would.",
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@reports_errors
def weights_command(
    rules_file: Path | None, profile: Path | None, weights: tuple[str, ...], as_json: bool
) -> None:
    """List the soft rules of RULES (default: the bundled protocol): each weight, what it
    gives points for, and the passage of the source it comes from.

    Change a weight in the rule file, in a profile's [weights] table, or for one run with
    `brainfit plan --weight NAME=VALUE`."""
    import json

    from ..outputs.summary import weights_table
    from ..outputs.tuning import weight_rows
    from ..rules.profile import load_profile
    from ..rules.ruleset import load_rules

    base = load_rules(rules_file)
    ruleset = base
    if profile is not None and (prof := load_profile(profile)).weights:
        ruleset = ruleset.with_weights(prof.weights, origin=f"{profile} [weights]")
    if weights:
        ruleset = ruleset.with_weights(parse_weights(weights), origin="--weight")
    rows = weight_rows(ruleset, base)
    if as_json:
        data = [r.model_dump(mode="json") for r in rows]
        click.echo(json.dumps(data, indent=2, ensure_ascii=False))
        return
    title = f"Soft rules of {ruleset.meta.name} (points = weight × count)"
    Console(highlight=False).print(weights_table(rows, title=title))
