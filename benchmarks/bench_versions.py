"""Two versions of the tool side by side, in one run: whole ``brainfit plan`` processes on
the same generated weeks and the bundled examples, alternating between the versions so that
machine noise hits both alike.

    python benchmarks/bench_versions.py --before /path/to/old/src [--after src] [--quick]

``--before`` is the ``src`` folder of another checkout (``git worktree add /tmp/old REV``);
both versions run with this interpreter and its installed dependencies, so only the code
differs. Prints, per version, the median and worst wall time and peak memory of a plan, and
the ratio after/before of the medians (and of each pair's times); the objective each version
proves is compared too, since a faster wrong plan is no gain.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from common import instances, median, worst

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = [
    ("examples/student/profile.toml", None),
    ("examples/office/profile.toml", "constraints/light.toml"),
]


def plan(src: Path, args: list[str], out: Path) -> tuple[float, float, int | None]:
    """Wall seconds, peak RSS (MiB) and the proven objective of one ``brainfit plan``."""
    env = {**os.environ, "PYTHONPATH": str(src), "SOURCE_DATE_EPOCH": "1795000000"}
    command = [sys.executable, "-c", "from brainfit_solver.cli import main; main()"]
    command += ["plan", *args, "-o", str(out / "week.ics"), "--json", str(out / "r.json")]
    started = time.perf_counter()
    child = subprocess.Popen([*command, "--quiet"], env=env, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        return seconds, usage.ru_maxrss / 1024, None
    report = json.loads((out / "r.json").read_text(encoding="utf-8"))
    return seconds, usage.ru_maxrss / 1024, int(report["objective"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--before", type=Path, required=True)
    parser.add_argument("--after", type=Path, default=REPO / "src")
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    versions = {"before": args.before.resolve(), "after": args.after.resolve()}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        # A case is its arguments given a version's checkout (the examples and rule files are
        # each version's own: a rule file may use a kind the other version cannot read).
        cases: list[Callable[[Path], list[str]]] = [
            lambda _root, i=i: [str(i.path), "--week", "2026-W49", "--profile", str(i.profile)]
            for i in instances(folder, seeds=1 if args.quick else 3)
        ]
        for profile, rules in EXAMPLES:
            cases.append(
                lambda root, p=profile, r=rules: [
                    "--profile",
                    str(root / p),
                    *(["--rules", str(root / r)] if r else []),
                ]
            )
        times: dict[str, list[float]] = {name: [] for name in versions}
        memory: dict[str, list[float]] = {name: [] for name in versions}
        ratios, differ = [], 0
        for k, case in enumerate(cases):
            order = list(versions) if k % 2 == 0 else list(reversed(versions))
            found = {}
            for name in order:
                out = folder / f"{name}-{k}"
                out.mkdir()
                src = versions[name]
                seconds, rss, objective = plan(src, case(src.parent), out)
                times[name].append(seconds)
                memory[name].append(rss)
                found[name] = (seconds, objective)
            ratios.append(found["after"][0] / found["before"][0])
            differ += found["after"][1] != found["before"][1]
    print(f"{len(cases)} plans per version (generated weeks and the two examples), alternating")
    for name in versions:
        print(
            f"  {name:6} median {median(times[name]):.3f} s, worst {worst(times[name]):.3f} s; "
            f"peak memory median {median(memory[name]):.0f} MiB, "
            f"worst {worst(memory[name]):.0f} MiB"
        )
    print(
        f"  after/before: ratio of medians {median(times['after']) / median(times['before']):.2f}, "
        f"median of pair ratios {median(ratios):.2f}, worst pair {worst(ratios):.2f}"
    )
    print(f"  plans whose objective differs between the versions: {differ} of {len(cases)}")


if __name__ == "__main__":
    main()
