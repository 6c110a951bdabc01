#!/usr/bin/env bash
# The cluster's whole-run timing for BENCHMARKS.md ("On a cluster"): a corpus of MB megabytes
# of text as PARTS Parquet files (examples/gen_corpus.rs, news-like, a seed a file), counted
# on this machine with two threads, then with `--cluster` by a scheduler and two one-thread
# executors started here on 127.0.0.1, the two taking turns RUNS times; prints the medians,
# the cluster's overhead, and checks that both wrote the same files (run.json aside).
#
# With PARTS `files`, the corpus is a folder of small text files instead (gen_corpus --kind
# realistic: about 500 files a megabyte), where many files make many small tasks.
#
# Usage: scripts/bench_cluster.sh [MB] [PARTS|files]    (default 1000 MB as 8 files)
# Environment: RUNS (default 3), CORPUS_DIR (default /tmp/themeshift-bench)
set -euo pipefail
cd "$(dirname "$0")/.."
TARGET="${CARGO_TARGET_DIR:-target}"
MB="${1:-1000}"
PARTS="${2:-8}"
RUNS="${RUNS:-3}"
DIR="${CORPUS_DIR:-/tmp/themeshift-bench}"
cargo build --release -q --example gen_corpus
cargo build --release -q --features cluster
BIN="$TARGET/release/themeshift"
GEN="$TARGET/release/examples/gen_corpus"
if [ "$PARTS" = files ]; then
  CORPUS="$DIR/files-$MB"
  if [ ! -d "$CORPUS" ]; then
    "$GEN" --kind realistic "$DIR/files-tmp-$MB" "$MB" >/dev/null
    mv "$DIR/files-tmp-$MB" "$CORPUS"
  fi
  WHAT="$MB MB of text as $(find "$CORPUS" -type f | wc -l) files"
else
  CORPUS="$DIR/parquet-$MB-in-$PARTS"
  if [ ! -d "$CORPUS" ]; then
    mkdir -p "$CORPUS.tmp"
    for i in $(seq "$PARTS"); do
      "$GEN" "$CORPUS.tmp/part$i.parquet" "$((MB / PARTS))" "$i" >/dev/null
    done
    mv "$CORPUS.tmp" "$CORPUS"
  fi
  WHAT="$MB MB of text as $PARTS Parquet files"
fi
# Every machine and the driver share a secret, as a cluster beyond loopback must.
THEMESHIFT_CLUSTER_SECRET="bench-$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')"
export THEMESHIFT_CLUSTER_SECRET
LOGS=$(mktemp -d)
PIDS=()
cleanup() { kill "${PIDS[@]}" 2>/dev/null || true; rm -rf "$LOGS"; }
trap cleanup EXIT
# A machine's first line says where it listens.
start() {
  local log="$LOGS/$1"; shift
  "$BIN" cluster "$@" >"$log" 2>&1 &
  PIDS+=($!)
  for _ in $(seq 100); do [ -s "$log" ] && break; sleep 0.1; done
  head -1 "$log"
}
port=$(start scheduler scheduler --bind 127.0.0.1 --port 0 | awk -F: '{print $NF}')
for e in 1 2; do
  start "executor$e" executor --scheduler "127.0.0.1:$port" --bind 127.0.0.1 --port 0 \
    --threads 1 >/dev/null
done
median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
wall() {
  /usr/bin/time -f %e "$@" 2>&1 >/dev/null | tail -1
}
local_s=(); cluster_s=()
for _ in $(seq "$RUNS"); do
  find "$CORPUS" -type f -exec cat {} + >/dev/null
  local_s+=("$(wall "$BIN" analyse "$CORPUS" --themes input/themes.toml --output "$DIR/out-local" \
    --threads 2 --quiet)")
  find "$CORPUS" -type f -exec cat {} + >/dev/null
  cluster_s+=("$(wall "$BIN" analyse "$CORPUS" --themes input/themes.toml \
    --output "$DIR/out-cluster" --threads 2 --quiet --cluster "df://127.0.0.1:$port")")
done
l=$(printf '%s\n' "${local_s[@]}" | median)
c=$(printf '%s\n' "${cluster_s[@]}" | median)
echo "corpus: $WHAT ($(du -sh "$CORPUS" | cut -f1) on disk)"
echo "local, 2 threads:                        ${local_s[*]} s (median $l)"
echo "cluster, scheduler + 2 x 1-thread executors: ${cluster_s[*]} s (median $c)"
awk -v l="$l" -v c="$c" 'BEGIN {printf "overhead: %.1f s (cluster / local = %.2fx)\n", c - l, c / l}'
python3 -c "import json,sys; print('cluster stages:', json.load(open(sys.argv[1]))['seconds'])" \
  "$DIR/out-cluster/run.json"
if diff -r -q -x run.json "$DIR/out-local" "$DIR/out-cluster" >/dev/null; then
  echo "same files: yes (run.json aside)"
else
  echo "same files: NO"; diff -r -q -x run.json "$DIR/out-local" "$DIR/out-cluster" | head
fi
