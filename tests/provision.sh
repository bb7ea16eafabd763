#!/usr/bin/env bash
# Installs, from Debian's packages, what the tests need beyond the .NET SDK, when it is missing:
#   nats-server       the JetStream cluster tests (Requires=nats-server) start three servers on 127.0.0.1
#   postgresql        the SQL back end's tests (Requires=postgresql) start a cluster in a temporary folder
#   chromium, a CJK font  the report's browser test (Requires=chromium) renders the Chinese report
#   chromium-driver   the clue desk's browser tests (Requires=chromium) drive Chromium through WebDriver
# As root it runs apt-get; otherwise through sudo when sudo needs no password; otherwise it prints the command and
# leaves the tests that need a package to fail with that command. It never starts a server: the tests do.
set -uo pipefail

missing=()
command -v nats-server >/dev/null 2>&1 || [ -x /usr/sbin/nats-server ] || missing+=(nats-server)
ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 || missing+=(postgresql)
command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || missing+=(chromium)
command -v chromedriver >/dev/null 2>&1 || missing+=(chromium-driver)
fc-list 2>/dev/null | grep -qi "wenquanyi\|noto sans cjk" || missing+=(fonts-wqy-zenhei)

if [ "${#missing[@]}" -eq 0 ]; then
    exit 0
fi

install="apt-get install -y -qq --no-install-recommends --no-upgrade ${missing[*]}"
if [ "$(id -u)" -eq 0 ]; then
    as_root=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    as_root=(sudo -n)
else
    echo "provision: the tests that need ${missing[*]} will fail; install them with: sudo apt-get update && sudo $install" >&2
    exit 1
fi

echo "provision: installing ${missing[*]} from Debian's packages"
export DEBIAN_FRONTEND=noninteractive
if ! "${as_root[@]}" apt-get update -qq >/dev/null || ! "${as_root[@]}" $install >/dev/null; then
    echo "provision: could not install ${missing[*]}; the tests that need them will fail (apt-get update && $install)" >&2
    exit 1
fi
