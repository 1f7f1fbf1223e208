#!/usr/bin/env bash
# `npm run evidence`: the evidence command inside the same private D-Bus session with an unlocked
# throwaway gnome-keyring that tests/run-tiers.sh gives the tests, so the named tests and the device
# checks use the real OS keychain and never the developer's own.
set -euo pipefail
cd "$(dirname "$0")/../../.."
export SEALWIRE_TEST_HOME
SEALWIRE_TEST_HOME="$(mktemp -d -t sealwire-evidence-home.XXXXXX)"
trap 'rm -rf "$SEALWIRE_TEST_HOME"' EXIT
# Paths given relative to where npm was started keep their meaning after the cd above.
args=()
for a in "$@"; do
  if [ -n "${INIT_CWD:-}" ] && [[ "$a" != -* ]] && [ -e "$INIT_CWD/$a" ]; then args+=("$INIT_CWD/$a"); else args+=("$a"); fi
done
dbus-run-session -- bash -c '
  set -euo pipefail
  export HOME="$SEALWIRE_TEST_HOME"
  mkdir -p "$HOME/.local/share/keyrings"
  printf "sealwire-test-keyring" | gnome-keyring-daemon --unlock --components=secrets >/dev/null
  exec node electron/dev/evidence/cli.ts "$@"
' evidence "${args[@]+"${args[@]}"}"
