#!/usr/bin/env bash
# Coverage-guided fuzzing with afl-fuzz and SharpFuzz of the CSV and JSON Lines readers, the YAML model loader and the
# condition language: installs what it needs (Debian's afl++, the SharpFuzz instrumenter as a local tool), instruments
# the engine's assemblies, fuzzes each target for the given seconds from corpus/<target>/, and copies every crashing
# input into corpus/<target>/crash-* so that the replay test (FuzzCorpusTests) keeps it fixed. Exits 1 when it found
# a crash. Usage: fuzz.sh [seconds per target (default 600)] [target ... (default: csv jsonl yaml condition)]
set -euo pipefail
cd "$(dirname "$0")"
seconds="${1:-600}"
shift || true
targets=("$@")
[ "${#targets[@]}" -gt 0 ] || targets=(csv jsonl yaml condition)
work="$(mktemp -d /tmp/re-fuzz.XXXXXX)"
trap 'rm -rf "$work"' EXIT

if ! command -v afl-fuzz >/dev/null 2>&1; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null && apt-get install -y -qq --no-install-recommends afl++ >/dev/null
fi
dotnet tool install SharpFuzz.CommandLine --version 2.3.0 --tool-path "$work/tools" >/dev/null
dotnet publish . -c Release -o "$work/bin" >/dev/null
for assembly in RuleEngine.dll RuleEngine.Yaml.dll; do
    "$work/tools/sharpfuzz" "$work/bin/$assembly" >/dev/null
done

found=0
for target in "${targets[@]}"; do
    # afl-fuzz refuses empty seeds; the empty ones stay in the corpus for the replay test.
    rm -rf "$work/seeds" "$work/findings"
    mkdir -p "$work/seeds"
    find "corpus/$target" -type f -size +0 -exec cp {} "$work/seeds/" \;

    AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_NO_UI=1 AFL_SKIP_BIN_CHECK=1 \
        afl-fuzz -i "$work/seeds" -o "$work/findings" -t 10000 -m none -V "$seconds" -- dotnet "$work/bin/RuleEngine.Fuzz.dll" "$target" \
        > "$work/afl.log" 2>&1 || { tail -n 30 "$work/afl.log"; echo "afl-fuzz failed on $target"; exit 2; }

    stats="$work/findings/default/fuzzer_stats"
    echo "$target: $(grep -E '^execs_done' "$stats" | awk '{print $3}') executions, $(grep -E '^corpus_count' "$stats" | awk '{print $3}') paths, $(grep -E '^saved_crashes|^unique_crashes' "$stats" | awk '{print $3}' | head -n 1) crashes in ${seconds} s"
    for crash in "$work/findings/default/crashes"/id:*; do
        [ -f "$crash" ] || continue
        found=$((found + 1))
        cp "$crash" "corpus/$target/crash-$(sha256sum "$crash" | cut -c1-16)"
    done
done
[ "$found" -eq 0 ] || { echo "$found crashing input(s) copied to corpus/<target>/crash-*: make each one pass, then commit it"; exit 1; }
