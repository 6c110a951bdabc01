#!/usr/bin/env bash
# Whole-run timings for BENCHMARKS.md: generates synthetic corpora (examples/gen_corpus.rs)
# and times `themeshift analyse` on them with /usr/bin/time -v, RUNS times each, printing
# the median wall time, MB/s and peak RSS. Usage: scripts/bench.sh [SIZES_MB...] (default 100)
# Environment: RUNS (default 3), CORPUS_DIR (default /tmp/themeshift-bench), SETTINGS
# (the --ngrams settings to time; default "1-2 1": the default, then words only), INPUTS
# (which of files-N, table-N.jsonl, table-N.parquet to time; default all three).
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/themeshift-target}"
RUNS="${RUNS:-3}"
DIR="${CORPUS_DIR:-/tmp/themeshift-bench}"
SIZES=("${@:-100}")
cargo build --release -q --example gen_corpus
cargo build --release -q
BIN="$CARGO_TARGET_DIR/release/themeshift"
mkdir -p "$DIR"
printf '| input | size | ngrams | threads | median s | MB/s | peak RSS MB | wc -w s |\n|---|---|---|---|---|---|---|---|\n'
for mb in "${SIZES[@]}"; do
  [ -d "$DIR/files-$mb" ] || "$CARGO_TARGET_DIR/release/examples/gen_corpus" "$DIR/files-$mb" "$mb" >/dev/null
  [ -f "$DIR/table-$mb.jsonl" ] || "$CARGO_TARGET_DIR/release/examples/gen_corpus" "$DIR/table-$mb.jsonl" "$mb" >/dev/null
  [ -f "$DIR/table-$mb.parquet" ] || "$CARGO_TARGET_DIR/release/examples/gen_corpus" "$DIR/table-$mb.parquet" "$mb" >/dev/null
  for input in ${INPUTS:-"files-$mb" "table-$mb.jsonl" "table-$mb.parquet"}; do
    # MB/s of text: a Parquet file is compressed, so its corpus is sized by the same rows as JSON Lines.
    bytes=$(du -sbL "$DIR/${input/.parquet/.jsonl}" | cut -f1)
    start=$(date +%s.%N); find -L "$DIR/${input/.parquet/.jsonl}" -type f -print0 | xargs -0 cat | wc -w >/dev/null; end=$(date +%s.%N)
    wc_s=$(echo "$end - $start" | bc)
    for ngrams in ${SETTINGS:-1-2 1}; do
      for threads in 1 2; do
        times=(); rss=()
        for _ in $(seq "$RUNS"); do
          out=$( { /usr/bin/time -v "$BIN" analyse "$DIR/$input" --themes input/themes.toml \
                   --output "$DIR/out" --threads "$threads" --ngrams "$ngrams" --quiet; } 2>&1 )
          times+=("$(echo "$out" | awk -F': ' '/Elapsed \(wall clock\)/ {n=split($2,t,":"); s=0; for(i=1;i<=n;i++) s=s*60+t[i]; print s}')")
          rss+=("$(echo "$out" | awk -F': ' '/Maximum resident/ {print int($2/1024)}')")
        done
        med=$(printf '%s\n' "${times[@]}" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
        mrss=$(printf '%s\n' "${rss[@]}" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
        mbs=$(echo "scale=1; $bytes / 1000000 / $med" | bc)
        kind="${input%%-*}"; [ "$kind" = table ] && kind="${input##*.}"
        printf '| %s | %s MB | %s | %s | %s | %s | %s | %.2f |\n' "$kind" "$((bytes / 1000000))" "$ngrams" "$threads" "$med" "$mbs" "$mrss" "$wc_s"
      done
    done
  done
done
