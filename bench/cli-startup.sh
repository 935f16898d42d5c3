#!/usr/bin/env bash
# CLI start-up, as an operator feels it: `gitfleet --help` and `gitfleet validate example-fleet-repo` through the
# ./gitfleet launcher (class-data archive + quick compiler for short commands), against `git log -1` in the same
# rounds, interleaved so that a busy moment hits all three alike. Prints medians and the ratios to git.
# Targets (issue: operator's tools): --help <= 0.5 s, validate <= 1 s.
#   bench/cli-startup.sh [ROUNDS]        default 15
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-15}
./gitfleet --help >/dev/null   # builds if needed, and makes the class-data archive once
# wall time decides the targets; CPU time (user + sys) is printed too: on a loaded machine it is the steadier one
TIMEFORMAT='%R %U %S'
declare -a help validate git helpcpu validatecpu
run() { { time "$@" >/dev/null 2>&1; } 2>&1; }
for ((i = 0; i < rounds; i++)); do
  read -r r u s < <(run ./gitfleet --help); help+=("$r"); helpcpu+=("$(awk -v u="$u" -v s="$s" 'BEGIN {print u + s}')")
  read -r r u s < <(run ./gitfleet validate example-fleet-repo); validate+=("$r")
  validatecpu+=("$(awk -v u="$u" -v s="$s" 'BEGIN {print u + s}')")
  read -r r u s < <(run git log -1); git+=("$r")
done
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
mh=$(median "${help[@]}"); mv=$(median "${validate[@]}"); mg=$(median "${git[@]}")
ch=$(median "${helpcpu[@]}"); cv=$(median "${validatecpu[@]}")
ms() { awk -v n="$1" 'BEGIN {printf "%.0f ms", n * 1000}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {if (b <= 0) b = 0.001; printf "%.0f×", a / b}'; }
echo "rounds: $rounds (load average: $(cut -d' ' -f1-3 /proc/loadavg))"
echo "git log -1                            median $(ms "$mg")"
echo "gitfleet --help                       median $(ms "$mh") wall, $(ms "$ch") CPU  ($(ratio "$mh" "$mg") git log -1; target <= 500 ms)"
echo "gitfleet validate example-fleet-repo  median $(ms "$mv") wall, $(ms "$cv") CPU  ($(ratio "$mv" "$mg") git log -1; target <= 1000 ms)"
if awk -v h="$mh" -v v="$mv" 'BEGIN {exit !(h <= 0.5 && v <= 1.0)}'; then echo "targets met"; else echo "targets NOT met"; fi
