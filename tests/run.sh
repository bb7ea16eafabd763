#!/usr/bin/env bash
# The test command of the README: provisions what the tests need (tests/provision.sh), then runs every test of the
# solution. Arguments go to dotnet test, e.g. -c Release, or --filter "Requires!=nats-server" to leave out the
# cluster tests (the traits are Requires=nats-server, Requires=postgresql and Requires=chromium).
set -uo pipefail
cd "$(dirname "$0")/.."
bash tests/provision.sh || echo "run.sh: going on; the tests that need what is missing will say so" >&2
exec dotnet test RuleEngine.sln "$@"
