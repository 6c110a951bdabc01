#!/usr/bin/env bash
# The test command (README.md, and .ci/run): installs Debian's chromium when it is missing,
# for the test that opens report.html in a real headless browser, then runs every test once
# in release mode (one build of polars serves the tests and `cargo run --release`).
set -euo pipefail
cd "$(dirname "$0")/.."
# (CARGO_TARGET_DIR is left as it is: by default ./target, the build `cargo run --release`
# made, so the tests reuse its compiled polars.)
browser() { command -v chromium || command -v chromium-browser || command -v google-chrome; }
if ! browser >/dev/null; then
  if command -v apt-get >/dev/null; then
    echo "test.sh: installing chromium (Debian package) for the report test" >&2
    sudo=""; [ "$(id -u)" = 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium >/dev/null
  else
    echo "test.sh: no chromium and no apt-get: the report's browser test will be skipped" >&2
  fi
fi
# Where chromium could be installed, the browser test must run, not skip.
if command -v apt-get >/dev/null; then export THEMESHIFT_REQUIRE_BROWSER=1; fi
cargo test --release "$@"
