#!/bin/sh
# Mutation score of the independent checker (issue 8): mutmut 3 over check/checker.py and
# check/calendars.py ([tool.mutmut] in pyproject.toml), against the checker's tests.
# Usage: benchmarks/mutation.sh [mutant-glob ...]   e.g. 'brainfit_solver.check.checker.*'
# Needs: pip install -e '.[test,mutation]'. Takes minutes on 2 cores (--max-children 2).
set -eu
cd "$(dirname "$0")/.."
MUTMUT="${MUTMUT:-.venv/bin/mutmut}"
rm -rf mutants  # mutmut caches verdicts by source, not by test: start clean
"$MUTMUT" run --max-children "${MAX_CHILDREN:-2}" "$@" || true
# Per file: killed, survived, timeout, not checked (outside the glob given) counts.
"$MUTMUT" results --all true |
    awk -F': ' '{sub(/^ +/, ""); sub(/\.x[^.]*$/, "", $1); n[$1 ": " $2]++}
                END {for (k in n) print k, n[k]}' |
    sort
"$MUTMUT" results | grep -v 'not checked' || true  # the survivors, one a line
# Survivors must each be proven equivalent in benchmarks/mutation-equivalent.md (issue 8: no
# mutant may survive); any other is a missing test. Mutant numbers follow the source: after
# editing a function, re-check its entries.
"$MUTMUT" results | awk -F': ' '$2 == "survived" {sub(/^ +/, "", $1); print $1}' |
    while read -r name; do
        grep -qF "\`$name\`" benchmarks/mutation-equivalent.md ||
            echo "NOT PROVEN EQUIVALENT: $name"
    done
