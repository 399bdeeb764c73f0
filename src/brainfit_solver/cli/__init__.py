"""The ``brainfit`` command: flags in, a call into the package, output and an exit code.

Exit codes: 0 success; 2 bad input (nothing written); 3 the rules cannot all hold this week
(the conflicting rules are named), or a team's shared sessions cannot be placed; 4 ``check``
found a broken hard rule; 5 a time limit ran out before any plan was found; 6 ``group``
planned the team but left some members out (listed); 1 an internal error (please report it).

Each command is its own module (``cli/plan.py``, ``cli/check.py``, ...); what they share
(options, errors as exit codes) is ``cli/common.py``. A command imports what it needs when it
runs, so the commands that do not solve start without OR-Tools.
"""

from __future__ import annotations

import click

from .calendars import calendars_command
from .check import check
from .common import EXIT_CODES
from .compare import compare_command
from .group import group_command
from .plan import plan
from .publish import publish_command
from .schema import schema_command
from .serve import serve_command
from .view import view_command
from .weights import weights_command


@click.group(epilog=EXIT_CODES)
@click.version_option(package_name="brainfit-solver")
def main() -> None:
    """Plan a proven-optimal week of brain-health exercise around your calendar."""


for command in (
    plan,
    group_command,
    check,
    calendars_command,
    weights_command,
    compare_command,
    schema_command,
    publish_command,
    view_command,
    serve_command,
):
    main.add_command(command)
