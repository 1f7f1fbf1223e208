#!/usr/bin/env bash
# Inside the private D-Bus session: start and unlock gnome-keyring, then run vitest.
set -euo pipefail
export HOME="$SEALWIRE_TEST_HOME"
mkdir -p "$HOME/.local/share/keyrings"
printf 'sealwire-test-keyring' | gnome-keyring-daemon --unlock --components=secrets >/dev/null
report="$HOME/vitest-report.json"
status=0
npx vitest run --reporter=default --reporter=json --outputFile.json="$report" "$@" || status=$?
node tests/support/summary.ts "$report" || true
exit "$status"
