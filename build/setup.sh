#!/usr/bin/env bash
# One-command set-up for a fresh machine (Debian/Ubuntu, root or sudo, Node + npm present):
# Node 24 LTS from the npm registry's node@24 package when the running Node is older, the system
# packages the app and its tests need, then the npm dependencies with native addons built against
# Node 24's headers. Idempotent: a second run checks and changes nothing.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(prosody lua-unbound lua-dbi-sqlite3 ejabberd erlang-p1-sqlite3 erlang-p1-pgsql postgresql chromium gnome-keyring dbus-x11 libsecret-1-dev openssl python3 make g++)
NODE_MAJOR_WANTED=24

say() { printf '[setup] %s\n' "$*"; }
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
    say "Not root and no sudo: system packages and Node ${NODE_MAJOR_WANTED} cannot be installed by this script."
  fi
fi

# 1. Node 24 -----------------------------------------------------------------------------------
node_major() { node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }
if [ "$(node_major)" -lt "$NODE_MAJOR_WANTED" ]; then
  say "Node $(node --version 2>/dev/null || echo none) is older than ${NODE_MAJOR_WANTED}; installing node@${NODE_MAJOR_WANTED} from the npm registry into /usr/local"
  $SUDO npm install -g --prefix /usr/local "node@${NODE_MAJOR_WANTED}" --no-audit --no-fund --loglevel=error
  export PATH="/usr/local/bin:$PATH"
  hash -r
fi
if [ "$(node_major)" -lt "$NODE_MAJOR_WANTED" ]; then
  say "Node ${NODE_MAJOR_WANTED} is still not first on PATH ($(command -v node)). Put /usr/local/bin before /usr/bin and run again."
  exit 1
fi
say "node $(node --version) at $(command -v node)"

# Native addons (keytar) must build against the running Node's headers, not a distro default
# (npmrc may say nodedir=/usr, which holds Node 20's).
node_home="$(dirname "$(dirname "$(readlink -f "$(command -v node)")")")"
if [ -f "$node_home/include/node/node_api.h" ]; then
  export npm_config_nodedir="$node_home"
else
  unset npm_config_nodedir || true
  export npm_config_nodedir=""
fi

# 2. System packages ---------------------------------------------------------------------------
missing=()
if command -v dpkg-query >/dev/null 2>&1; then
  for p in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    if ! command -v apt-get >/dev/null 2>&1; then
      say "Missing packages: ${missing[*]} (and no apt-get to install them)."; exit 1
    fi
    say "installing system packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    $SUDO apt-get update -qq
    $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    say "system packages present"
  fi
else
  say "This is not a Debian/Ubuntu system, so nothing was installed automatically. Install the equivalents of:"
  say "  Node ${NODE_MAJOR_WANTED}+, Prosody 0.12 with LuaDBI SQLite3 and lua-unbound, ejabberd 23 with its SQLite and PostgreSQL drivers, PostgreSQL, Chromium, GNOME Keyring (or another"
  say "  Secret Service) with dbus-run-session, libsecret development headers, OpenSSL, python3, make and a C++ compiler."
  say "  macOS: brew install node@24 prosody chromium openssl  (the keychain is built in)"
  for cmd in prosody erl chromium dbus-run-session gnome-keyring-daemon openssl; do
    command -v "$cmd" >/dev/null 2>&1 || { say "still missing: $cmd"; exit 1; }
  done
fi

# 2b. Debian starts ejabberd (and with it Erlang's epmd on port 4369) as system services when the
# package is installed. Sealwire's tests, demo and cluster check run their own nodes (own ports,
# no or a private epmd), so the system copies are stopped and kept from starting at boot. Each step
# runs only when there is something to stop or disable, so a second run changes nothing.
stop_system_service() {
  local unit="$1"
  if command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; then
    if systemctl is-enabled --quiet "$unit" 2>/dev/null || systemctl is-active --quiet "$unit" 2>/dev/null; then
      say "stopping and disabling the system's $unit (tests run their own nodes)"
      $SUDO systemctl disable --now "$unit" >/dev/null 2>&1 || true
    fi
  elif [ -x "/etc/init.d/$unit" ]; then
    if $SUDO service "$unit" status >/dev/null 2>&1; then
      say "stopping the system's $unit service (tests run their own nodes)"
      $SUDO service "$unit" stop >/dev/null 2>&1 || true
    fi
    if compgen -G "/etc/rc[2-5].d/S*$unit" >/dev/null; then
      say "disabling the system's $unit service at boot"
      $SUDO update-rc.d "$unit" disable >/dev/null 2>&1 || true
    fi
  fi
}
if command -v dpkg-query >/dev/null 2>&1 && dpkg-query -W -f='${Status}' ejabberd 2>/dev/null | grep -q "install ok installed"; then
  stop_system_service ejabberd
  stop_system_service epmd.socket
  stop_system_service epmd
  # Without systemd, the init script's node leaves a daemon epmd behind on the default port.
  if command -v epmd >/dev/null 2>&1 && epmd -names >/dev/null 2>&1; then
    say "stopping the system's epmd on port 4369"
    $SUDO epmd -kill >/dev/null 2>&1 || true
  fi
fi

# 3. npm dependencies --------------------------------------------------------------------------
stamp="node_modules/.sealwire-setup"
want="$(node --version) $(sha256sum package-lock.json package.json | sha256sum | cut -c1-16)"
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && [ -d node_modules/keytar/build/Release ]; then
  say "npm dependencies up to date"
else
  say "installing npm dependencies (native addons against $(node --version) headers)"
  npm ci --no-audit --no-fund --loglevel=error
  node -e "require('keytar'); require('better-sqlite3-multiple-ciphers')" \
    || { say "native addons failed to load on $(node --version)"; exit 1; }
  printf '%s' "$want" > "$stamp"
fi
say "done. Next: npm test   (or npm run demo)"
