"""Time from moving a weight slider to the redrawn week, measured in the browser.

    python benchmarks/bench_web.py [--changes N]

Starts ``brainfit serve`` on the student example (examples/student) on a free port, opens it
in Debian's headless Chromium (Playwright), and moves one slider at a time to a new value
(longer_zone2, near_study, spread_days, preferred_times in turn), each change waiting for its
redraw. A change is timed in the page, from the slider's input event to the moment the new
picture is in the DOM (``performance.now()``: request, planning on the server, answer, and
the redraw). Target: 95th percentile <= 300 ms. The server's own share (solve, export,
check, report, picture) is its ``server_ms``, printed beside it, with the CPU time of the
thread that planned (``server_cpu_ms``): on a loaded machine wall time stretches, CPU time
does not, so the CPU figure is what a change costs on an idle core.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import threading
from pathlib import Path

from playwright.sync_api import sync_playwright

REPO = Path(__file__).resolve().parent.parent
STUDENT = REPO / "examples" / "student"
RULES = ("longer_zone2", "near_study", "spread_days", "preferred_times")


def percentile(values: list[float], share: float) -> float:
    """The nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, round(share * len(ordered) + 0.5) - 1))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--changes", type=int, default=60, help="slider changes to time")
    args = parser.parse_args()
    browser_path = shutil.which("chromium")
    if browser_path is None:
        sys.exit("needs Debian's chromium: apt-get install -y chromium")
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1795000000"}
    command = [
        sys.executable,
        "-c",
        "from brainfit_solver.cli import main; main()",
        "serve",
        "--profile",
        str(STUDENT / "profile.toml"),
        "--port",
        "0",
    ]
    server = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env
    )
    assert server.stdout is not None
    url = server.stdout.readline().split("open ", 1)[1].strip()
    drain = threading.Thread(target=server.stdout.read, daemon=True)
    drain.start()
    totals: list[float] = []
    servers: list[float] = []
    cpus: list[float] = []
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=browser_path, args=["--no-sandbox"])
            page = browser.new_page(viewport={"width": 1500, "height": 1000})
            page.goto(url)
            page.wait_for_selector("body[data-drawn]", timeout=60_000)
            for k in range(args.changes):
                rule = RULES[k % len(RULES)]
                value = 1 + (k * 7) % 60  # a new value each time: every change is a new solve
                timing = page.evaluate(
                    """async ([rule, value]) => {
                        const sent = Number(document.body.dataset.sent || "0");
                        const slider = document.querySelector(
                            `input.weight-slider[data-rule="${rule}"]`);
                        const started = performance.now();
                        slider.value = String(value);
                        slider.dispatchEvent(new Event("input", {bubbles: true}));
                        const mine = sent + 1;
                        while (document.body.dataset.drawn !== String(mine)) {
                            await new Promise(r => requestAnimationFrame(r));
                        }
                        return [window.brainfit.drawn[mine] - started,
                                window.brainfit.serverMs[mine]];
                    }""",
                    [rule, value],
                )
                totals.append(timing[0])
                servers.append(timing[1][0])
                cpus.append(timing[1][1])
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=20)
        drain.join(10)
        server.stdout.close()
    p95 = percentile(totals, 0.95)
    print(f"{len(totals)} slider changes on the student example week ({os.cpu_count()} cores)")
    print(
        f"slider → redrawn, ms: median {statistics.median(totals):.0f}, p95 {p95:.0f}, "
        f"max {max(totals):.0f}"
    )
    print(
        f"of which on the server, ms: median {statistics.median(servers):.0f}, "
        f"p95 {percentile(servers, 0.95):.0f}"
    )
    print(
        f"CPU time of the planning thread, ms: median {statistics.median(cpus):.0f}, "
        f"p95 {percentile(cpus, 0.95):.0f} (what a change costs on an idle core)"
    )
    print(f"target p95 <= 300 ms: {'met' if p95 <= 300 else 'NOT met'}")
    print(f"load average during the run: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
