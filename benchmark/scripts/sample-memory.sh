#!/usr/bin/env bash
# Samples heap (jstat: used and committed, MiB) and resident set size (MiB) of the JVMs whose command line
# matches a pattern, every INTERVAL seconds, until none is left; prints one CSV line per JVM per sample.
# Usage: benchmark/scripts/sample-memory.sh PATTERN [INTERVAL]   e.g.  sample-memory.sh 'AdaptCli demo' 5
set -u
pattern=${1:?usage: sample-memory.sh PATTERN [INTERVAL]}
interval=${2:-5}
echo "epoch_s,pid,role,heap_used_mib,heap_committed_mib,rss_mib"
seen=0
while :; do
  pids=$(pgrep -f -- "$pattern" | grep -v "^$$\$" || true)
  pids=$(for p in $pids; do [[ "$(cat /proc/$p/comm 2>/dev/null)" == java ]] && echo "$p"; done)
  if [[ -z "$pids" ]]; then
    if (( seen )); then exit 0; fi
    sleep "$interval"; continue
  fi
  seen=1
  for p in $pids; do
    role=$(tr '\0' ' ' < /proc/$p/cmdline | grep -oE 'kafka\.Kafka|AdaptCli serve [a-z]+|AdaptCli [a-z]+' | head -1 | tr ' ' '-')
    rss=$(awk '/VmRSS/ {printf "%.0f", $2/1024}' /proc/$p/status 2>/dev/null || echo "")
    heap=$(jstat -gc "$p" 2>/dev/null | awk 'NR==2 {used=$3+$4+$6+$8; cap=$1+$2+$5+$7; printf "%.0f,%.0f", used/1024, cap/1024}')
    [[ -n "$rss" ]] && echo "$(date +%s),$p,${role:-java},${heap:-,},$rss"
  done
  sleep "$interval"
done
