#!/usr/bin/env bash
# Whole-run timings for BENCHMARKS.md: generates synthetic corpora (examples/gen_corpus.rs) and
# times `themeshift analyse` on them with /usr/bin/time -v, RUNS times each, printing the
# median wall time, MB/s, word tokens/s and peak RSS, next to `cat | wc -w` over the same
# bytes as a floor. Runs with different thread counts alternate.
#
# Usage: scripts/bench.sh [SIZES_MB...]            (default 100)
# Environment:
#   RUNS      runs per setting (default 3); the median is reported
#   CORPUS_DIR where corpora are generated and kept (default /tmp/themeshift-bench)
#   SETTINGS  --ngrams values to time (default "default": no flag, the command as users run
#             it; e.g. "default 1 1-2")
#   INPUTS    which of files-N, table-N.jsonl, table-N.parquet to time (default all three)
#   THREADS   thread counts to time (default "1 2")
# The page cache is warmed before every run (this machine's cache loses pages even with
# memory free: a run that reads part of its input from disk times the disk, not themeshift).
set -euo pipefail
cd "$(dirname "$0")/.."
# The build `cargo run --release` makes (and scripts/test.sh reuses).
TARGET="${CARGO_TARGET_DIR:-target}"
RUNS="${RUNS:-3}"
DIR="${CORPUS_DIR:-/tmp/themeshift-bench}"
SIZES=("${@:-100}")
cargo build --release -q --example gen_corpus
cargo build --release -q
BIN="$TARGET/release/themeshift"
GEN="$TARGET/release/examples/gen_corpus"
mkdir -p "$DIR"
median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
printf '| input | size | ngrams | threads | median s | MB/s | Mtokens/s | peak RSS MB | 2 threads / 1 | `wc -w` s |\n'
printf '|---|---|---|---|---|---|---|---|---|---|\n'
for mb in "${SIZES[@]}"; do
  [ -d "$DIR/files-$mb" ] || "$GEN" "$DIR/files-$mb" "$mb" >/dev/null
  [ -f "$DIR/table-$mb.jsonl" ] || "$GEN" "$DIR/table-$mb.jsonl" "$mb" >/dev/null
  [ -f "$DIR/table-$mb.parquet" ] || "$GEN" "$DIR/table-$mb.parquet" "$mb" >/dev/null
  for input in ${INPUTS:-"files-$mb" "table-$mb.jsonl" "table-$mb.parquet"}; do
    # MB/s of text: a Parquet file is compressed, so it is sized by the same rows as JSON Lines.
    sized="$DIR/${input/.parquet/.jsonl}"
    bytes=$(du -sbL "$sized" | cut -f1)
    # Warms the page cache and times the floor.
    start=$(date +%s.%N)
    find -L "$sized" -type f -print0 | xargs -0 cat | wc -w >/dev/null
    end=$(date +%s.%N)
    [ "$input" = "${input%.parquet}" ] || cat "$DIR/$input" >/dev/null
    wc_s=$(echo "$end - $start" | bc)
    kind="${input%%-*}"; [ "$kind" = table ] && kind="${input##*.}"
    for ngrams in ${SETTINGS:-default}; do
      flag=(); [ "$ngrams" = default ] || flag=(--ngrams "$ngrams")
      # The thread counts take turns run by run, so that a change in the machine's speed
      # (it is shared) falls on all of them alike.
      declare -A times=() rss=()
      for _ in $(seq "$RUNS"); do
        for threads in ${THREADS:-1 2}; do
          find -L "$DIR/$input" -type f -print0 | xargs -0 cat >/dev/null
          out=$( { /usr/bin/time -v "$BIN" analyse "$DIR/$input" --themes input/themes.toml \
                   --output "$DIR/out" --threads "$threads" "${flag[@]}" --quiet; } 2>&1 )
          times[$threads]+="$(echo "$out" | awk -F': ' '/Elapsed \(wall clock\)/ {n=split($2,t,":"); s=0; for(i=1;i<=n;i++) s=s*60+t[i]; print s}') "
          rss[$threads]+="$(echo "$out" | awk -F': ' '/Maximum resident/ {print int($2/1024)}') "
        done
      done
      tokens=$(python3 -c "import json; print(json.load(open('$DIR/out/run.json'))['counts']['word_tokens'])")
      one=""
      for threads in ${THREADS:-1 2}; do
        med=$(printf '%s\n' ${times[$threads]} | median)
        mrss=$(printf '%s\n' ${rss[$threads]} | median)
        mbs=$(echo "scale=1; $bytes / 1000000 / $med" | bc)
        mtok=$(echo "scale=2; $tokens / 1000000 / $med" | bc)
        ratio=""
        if [ "$threads" = 1 ]; then one=$med; elif [ -n "$one" ]; then ratio="$(echo "scale=2; $one / $med" | bc)x"; fi
        printf '| %s | %s MB | %s | %s | %s | %s | %s | %s | %s | %.2f |\n' "$kind" "$((bytes / 1000000))" \
          "$ngrams" "$threads" "$med" "$mbs" "$mtok" "$mrss" "$ratio" "$wc_s"
      done
      unset times rss
    done
  done
done
