#!/usr/bin/env bash
# Runs two themeshift builds on the same input and says whether every output file is the
# same, byte for byte (run.json compared without its timings, peak memory and command line):
# the check behind "outputs byte-identical" in BENCHMARKS.md and the commit messages.
#
# Usage: scripts/compare_outputs.sh OLD_BINARY NEW_BINARY INPUT [analyse flags...]
# Exit status 0 when identical, 1 when any file differs (each named).
set -euo pipefail
old=$1 new=$2 input=$3
shift 3
a=$(mktemp -d) b=$(mktemp -d)
trap 'rm -rf "$a" "$b"' EXIT
"$old" analyse "$input" --output "$a/out" --quiet "$@" >/dev/null
"$new" analyse "$input" --output "$b/out" --quiet "$@" >/dev/null
if [ "$(cd "$a/out" && find . -type f | sort)" != "$(cd "$b/out" && find . -type f | sort)" ]; then
    echo "the two runs wrote different files"
    exit 1
fi
differ=0
while IFS= read -r f; do
    if [ "$f" = ./run.json ]; then
        python3 - "$a/out/run.json" "$b/out/run.json" <<'PY' || { echo "differs: run.json"; differ=1; }
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
for d in (a, b):
    for k in ("seconds", "peak_memory_mb", "speed", "command_line"):
        d.pop(k, None)
sys.exit(0 if a == b else 1)
PY
    elif ! cmp -s "$a/out/$f" "$b/out/$f"; then
        echo "differs: $f"
        differ=1
    fi
done < <(cd "$a/out" && find . -type f | sort)
n=$(cd "$a/out" && find . -type f | wc -l)
if [ $differ = 0 ]; then echo "identical: $n files ($input${*:+ $*})"; else exit 1; fi
