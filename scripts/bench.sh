#!/usr/bin/env bash
# Whole-run timings for BENCHMARKS.md: generates synthetic corpora (examples/gen_corpus.rs) and
# times `themeshift analyse` on them with /usr/bin/time -v, RUNS times each, printing the
# median wall time, MB/s, word tokens/s and peak RSS, next to `cat | wc -w` over the same
# bytes as a floor. Runs with different thread counts alternate. On the realistic corpus the
# bare counting sketch (../shared/bench/sol) runs beside themeshift, in the same alternation,
# and each themeshift row gives its time as a multiple of the sketch's.
#
# Usage: scripts/bench.sh [SIZES_MB...]            (default 100)
# Environment:
#   KIND      zipf (default: the news-like corpus, as text files, JSON Lines and Parquet) or
#             realistic (short documents, a growing vocabulary: one flat folder of .txt files)
#   RUNS      runs per setting (default 3); the median is reported
#   CORPUS_DIR where corpora are generated and kept (default /tmp/themeshift-bench)
#   SETTINGS  --ngrams values to time (default "default": no flag, the command as users run
#             it; e.g. "default 1 1-2")
#   INPUTS    which of files-N, table-N.jsonl, table-N.parquet to time (default all three; for
#             KIND=realistic, realistic-N)
#   THREADS   thread counts to time (default "1 2")
#   SOL       the sketch's binary (default /tmp/sol-target/release/sol); when it is missing its
#             rows are left out, with a note on how to build it
#   SOL_THREADS  the sketch's thread count (default 2); SOL_KEYNESS its two compared years
#             (default "2015 2024", the realistic corpus's first and last)
#   BASELINE  another themeshift binary (say, main's before a change) run beside this build in
#             the same alternation, for a paired before/after series; its rows say "baseline"
# The page cache is warmed before every run (this machine's cache loses pages even with
# memory free: a run that reads part of its input from disk times the disk, not themeshift).
# After the table, the median of each stage's seconds in themeshift's run.json.
set -euo pipefail
cd "$(dirname "$0")/.."
# The build `cargo run --release` makes (and scripts/test.sh reuses).
TARGET="${CARGO_TARGET_DIR:-target}"
RUNS="${RUNS:-3}"
DIR="${CORPUS_DIR:-/tmp/themeshift-bench}"
KIND="${KIND:-zipf}"
SIZES=("${@:-100}")
SOL="${SOL:-/tmp/sol-target/release/sol}"
cargo build --release -q --example gen_corpus
cargo build --release -q
BIN="$TARGET/release/themeshift"
GEN="$TARGET/release/examples/gen_corpus"
mkdir -p "$DIR"
if [ "$KIND" = realistic ] && [ ! -x "$SOL" ]; then
  echo "bench.sh: no sketch at $SOL, so no sol rows; build it outside shared/ with" >&2
  echo "  CARGO_TARGET_DIR=/tmp/sol-target cargo build --release --manifest-path ../shared/bench/sol/Cargo.toml" >&2
fi
median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
# A / B / SCALE with D decimals (bc drops the leading zero of 0.82).
div() { awk -v a="$1" -v b="$2" -v d="$3" -v s="${4:-1}" 'BEGIN {printf "%.*f", d, a / b / s}'; }
# Runs a command under /usr/bin/time -v; sets WALL (s) and RSS (MB).
timed() {
  local out
  out=$( { /usr/bin/time -v "$@" >/dev/null; } 2>&1 )
  WALL=$(echo "$out" | awk -F': ' '/Elapsed \(wall clock\)/ {n=split($2,t,":"); s=0; for(i=1;i<=n;i++) s=s*60+t[i]; print s}')
  RSS=$(echo "$out" | awk -F': ' '/Maximum resident/ {print int($2/1024)}')
}
# Appends run.json's stage seconds ("stage=s stage=s ...") of the last run to file $1.
stages() {
  python3 -c "import json,sys; print(' '.join('%s=%s' % (k, v) for k, v in json.load(open(sys.argv[1]))['seconds']))" \
    "$DIR/out/run.json" >>"$1"
}
STAGES=$(mktemp -d)
trap 'rm -rf "$STAGES"' EXIT
printf '| input | size | program | ngrams | threads | median s | MB/s | Mtokens/s | peak RSS MB | 2 threads / 1 | x sol | `wc -w` s |\n'
printf '|---|---|---|---|---|---|---|---|---|---|---|---|\n'
for mb in "${SIZES[@]}"; do
  if [ "$KIND" = realistic ]; then
    [ -d "$DIR/realistic-$mb" ] || "$GEN" --kind realistic "$DIR/realistic-$mb" "$mb" >/dev/null
    inputs="${INPUTS:-realistic-$mb}"
  else
    [ -d "$DIR/files-$mb" ] || "$GEN" "$DIR/files-$mb" "$mb" >/dev/null
    [ -f "$DIR/table-$mb.jsonl" ] || "$GEN" "$DIR/table-$mb.jsonl" "$mb" >/dev/null
    [ -f "$DIR/table-$mb.parquet" ] || "$GEN" "$DIR/table-$mb.parquet" "$mb" >/dev/null
    inputs="${INPUTS:-files-$mb table-$mb.jsonl table-$mb.parquet}"
  fi
  for input in $inputs; do
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
    # The sketch reads only .txt files directly inside a folder: the realistic corpus.
    sol=""; [ "$kind" = realistic ] && [ -x "$SOL" ] && sol=1
    for ngrams in ${SETTINGS:-default}; do
      flag=(); [ "$ngrams" = default ] || flag=(--ngrams "$ngrams")
      # The programs and thread counts take turns run by run, so that a change in the
      # machine's speed (it is shared) falls on all of them alike.
      declare -A times=() rss=()
      rm -f "$STAGES"/run-*
      for _ in $(seq "$RUNS"); do
        if [ -n "$sol" ]; then
          find -L "$DIR/$input" -type f -print0 | xargs -0 cat >/dev/null
          # shellcheck disable=SC2086
          timed "$SOL" "$DIR/$input" --threads "${SOL_THREADS:-2}" --out "$DIR/sol-out" \
            --keyness ${SOL_KEYNESS:-2015 2024}
          times[sol]+="$WALL "; rss[sol]+="$RSS "
        fi
        for threads in ${THREADS:-1 2}; do
          if [ -n "${BASELINE:-}" ]; then
            find -L "$DIR/$input" -type f -print0 | xargs -0 cat >/dev/null
            timed "$BASELINE" analyse "$DIR/$input" --themes input/themes.toml \
              --output "$DIR/out" --threads "$threads" "${flag[@]}" --quiet
            times[base$threads]+="$WALL "; rss[base$threads]+="$RSS "
          fi
          find -L "$DIR/$input" -type f -print0 | xargs -0 cat >/dev/null
          timed "$BIN" analyse "$DIR/$input" --themes input/themes.toml \
            --output "$DIR/out" --threads "$threads" "${flag[@]}" --quiet
          times[$threads]+="$WALL "; rss[$threads]+="$RSS "
          stages "$STAGES/run-$threads"
        done
      done
      tokens=$(python3 -c "import json; print(json.load(open('$DIR/out/run.json'))['counts']['word_tokens'])")
      one=""; sol_med=""; base_one=""
      bases=""; [ -z "${BASELINE:-}" ] || bases=$(printf 'base%s ' ${THREADS:-1 2})
      for who in ${sol:+sol} $bases ${THREADS:-1 2}; do
        med=$(printf '%s\n' ${times[$who]} | median)
        mrss=$(printf '%s\n' ${rss[$who]} | median)
        mbs=$(div "$bytes" "$med" 1 1000000)
        mtok=$(div "$tokens" "$med" 2 1000000)
        ratio=""; vs_sol=""
        if [ "$who" = sol ]; then
          sol_med=$med; program=sol; threads=${SOL_THREADS:-2}; setting=-
        elif [ "${who#base}" != "$who" ]; then
          program=baseline; threads=${who#base}; setting=$ngrams
          if [ "$threads" = 1 ]; then base_one=$med; elif [ -n "$base_one" ]; then ratio="$(div "$base_one" "$med" 2)x"; fi
          [ -z "$sol_med" ] || vs_sol="$(div "$med" "$sol_med" 2)x"
        else
          program=themeshift; threads=$who; setting=$ngrams
          if [ "$threads" = 1 ]; then one=$med; elif [ -n "$one" ]; then ratio="$(div "$one" "$med" 2)x"; fi
          [ -z "$sol_med" ] || vs_sol="$(div "$med" "$sol_med" 2)x"
        fi
        printf '| %s | %s MB | %s | %s | %s | %s | %s | %s | %s | %s | %s | %.2f |\n' "$kind" "$((bytes / 1000000))" \
          "$program" "$setting" "$threads" "$med" "$mbs" "$mtok" "$mrss" "$ratio" "$vs_sol" "$wc_s"
      done
      for threads in ${THREADS:-1 2}; do
        python3 - "$STAGES/run-$threads" "$kind $((bytes / 1000000)) MB, $ngrams, $threads threads" <<'EOF' >>"$STAGES/summary"
import statistics, sys
runs = [dict((k, float(v)) for k, v in (p.split("=") for p in line.split())) for line in open(sys.argv[1])]
names = list(runs[0])
med = {n: statistics.median(r[n] for r in runs) for n in names}
after = statistics.median(sum(v for k, v in r.items() if k not in ("discover", "read_and_count")) for r in runs)
print("  %s: %s; after counting %.2f" % (sys.argv[2], ", ".join("%s %.2f" % (n, med[n]) for n in names), after))
EOF
      done
      unset times rss
    done
  done
done
echo
echo "themeshift's stages (run.json seconds, median of $RUNS runs):"
cat "$STAGES/summary"
