#!/bin/sh
# Plan the team's next week and check every member's plan with the independent checker.
#   examples/ci/plan-team.sh TEAM.toml OUT_DIR
# Exit status: 0 everyone planned and checked; 6 planned with members left out (listed in
# OUT_DIR/team-report.json); anything else is a failure (a plan the checker rejects: 4).
set -eu
team="$1"
out="$2"
mkdir -p "$out"
status=0
brainfit group "$team" --out-dir "$out" --json "$out/summary.jsonl" || status=$?
if [ "$status" -ne 0 ] && [ "$status" -ne 6 ]; then
    exit "$status"
fi
# Each planned member's .ics, checked against their calendars and profile from the team file.
python3 -c '
import json, sys
for m in json.load(open(sys.argv[1], encoding="utf-8"))["members"]:
    if m["status"] == "planned":
        print(m["id"] + "\t" + m["ics"])
    else:
        print("left out: " + m["id"] + " (" + m["reason"] + ")", file=sys.stderr)
' "$out/team-report.json" | while IFS="$(printf '\t')" read -r member ics; do
    brainfit check "$out/$ics" --team "$team" --member "$member" || exit "$?"
done
exit "$status"
