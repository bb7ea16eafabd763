#!/usr/bin/env bash
# Soak run of the cluster failure tests (not in CI): runs ClusterRunTests N times in a row (default 20) and prints,
# for each run, pass or fail, its duration and how many log lines the workers wrote, then a summary line.
# Needs nats-server on PATH (Debian's package: apt-get install nats-server). Usage: soak.sh [runs] [log-folder]
set -uo pipefail
cd "$(dirname "$0")/../.."
runs="${1:-20}"
logs="${2:-$(mktemp -d /tmp/re-soak.XXXXXX)}"
mkdir -p "$logs"
dotnet build tests/RuleEngine.Nats.Tests -c Release >/dev/null || { echo "build failed"; exit 1; }
passed=0
failed=0
for i in $(seq 1 "$runs"); do
    started=$(date +%s)
    export RE_TEST_LOG="$logs/run-$i.log"
    if dotnet test tests/RuleEngine.Nats.Tests -c Release --no-build --filter "FullyQualifiedName~ClusterRunTests" > "$logs/run-$i.out" 2>&1; then
        passed=$((passed + 1)); verdict=passed
    else
        failed=$((failed + 1)); verdict=FAILED
    fi
    lines=$(wc -l < "$RE_TEST_LOG" 2>/dev/null || echo 0)
    degraded=$(grep -c "JetStream degraded" "$RE_TEST_LOG" 2>/dev/null || echo 0)
    echo "run $i: $verdict in $(( $(date +%s) - started )) s; $lines log lines, $degraded 'degraded'; output $logs/run-$i.out"
done
echo "soak: $passed passed, $failed failed (logs in $logs)"
[ "$failed" -eq 0 ]
