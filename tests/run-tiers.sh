#!/usr/bin/env bash
# Runs the test tiers (all, or the vitest arguments given) inside a private D-Bus session with an
# unlocked gnome-keyring and a throwaway HOME, so the real OS keychain is used and nothing touches
# the developer's own keyring.
set -euo pipefail
cd "$(dirname "$0")/.."
missing=()
for cmd in dbus-run-session gnome-keyring-daemon prosody prosodyctl ejabberdctl erl chromium openssl; do
  command -v "$cmd" >/dev/null 2>&1 || missing+=("$cmd")
done
# The ejabberd fixture stores in SQLite (erlang-p1-sqlite3), which ejabberd does not depend on.
ls -d /usr/lib/erlang/lib/p1_sqlite3-* >/dev/null 2>&1 || missing+=("erlang-p1-sqlite3")
if [ ${#missing[@]} -gt 0 ]; then
  echo "Missing system tools: ${missing[*]}" >&2
  echo "Install them with: npm run setup   (or: apt-get install -y prosody lua-unbound lua-dbi-sqlite3 ejabberd erlang-p1-sqlite3 erlang-p1-pgsql chromium gnome-keyring dbus-x11 libsecret-1-dev openssl)" >&2
  exit 1
fi
export SEALWIRE_TEST_HOME
SEALWIRE_TEST_HOME="$(mktemp -d -t sealwire-test-home.XXXXXX)"
trap 'rm -rf "$SEALWIRE_TEST_HOME"' EXIT
dbus-run-session -- bash tests/support/in-keyring-session.sh "$@"
