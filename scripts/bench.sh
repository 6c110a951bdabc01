#!/usr/bin/env bash
# Whole-run timings for BENCHMARKS.md: generates synthetic corpora (examples/gen_corpus.rs)
# and times `themeshift analyse` on them with /usr/bin/time -v, RUNS times each, printing
# the median wall time, MB/s and peak RSS. Usage: scripts/bench.sh [SIZES_MB...] (default 100)
# Environment: RUNS (default 3), CORPUS_DIR (default /tmp/themeshift-bench), SETTINGS
# (the --ngrams settings to time; default "1-2 1": the default, then words only).
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
  for input in "files-$mb" "table-$mb.jsonl"; do
    bytes=$(du -sbL "$DIR/$input" | cut -f1)
    start=$(date +%s.%N); find -L "$DIR/$input" -type f -print0 | xargs -0 cat | wc -w >/dev/null; end=$(date +%s.%N)
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
        printf '| %s | %s MB | %s | %s | %s | %s | %s | %.2f |\n' "${input%%-*}" "$((bytes / 1000000))" "$ngrams" "$threads" "$med" "$mbs" "$mrss" "$wc_s"
      done
    done
  done
done
