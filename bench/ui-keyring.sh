#!/usr/bin/env bash
# npm run bench:ui needs the real OS keychain (sign-in refuses to store PHI without one). Like the
# tests, it runs in a private D-Bus session with an unlocked throwaway gnome-keyring and HOME, so
# nobody's own keyring is touched.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${SEALWIRE_BENCH_IN_SESSION:-}" ]; then
  home="$(mktemp -d -t sealwire-bench-home.XXXXXX)"
  trap 'rm -rf "$home"' EXIT
  status=0
  SEALWIRE_BENCH_IN_SESSION=1 HOME="$home" dbus-run-session -- bash "$0" "$@" || status=$?
  exit "$status"
fi
mkdir -p "$HOME/.local/share/keyrings"
printf 'sealwire-bench-keyring' | gnome-keyring-daemon --unlock --components=secrets >/dev/null
exec node bench/ui.ts "$@"
