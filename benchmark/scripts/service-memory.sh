#!/usr/bin/env bash
# Per-service memory: runs the skill-world benchmark through the four services, each in its own JVM (`adapt
# serve`, as in compose/), next to local mode's broker and registry, and samples every JVM's heap and RSS with
# sample-memory.sh until step 5 is evaluated. Releases go through the ingest service's inbox, one after the other.
# Usage: benchmark/scripts/service-memory.sh OUT_DIR [INTERVAL_S] [quick|full]
#   (from the repository root; quick, the default: about 6 minutes on 2 cores; full: the FULL demo's data and
#   settings, about 15 minutes)
# Writes OUT_DIR/memory.csv (epoch_s,pid,role,heap_used_mib,heap_committed_mib,rss_mib) and OUT_DIR/summary.md.
set -euo pipefail
out=${1:?usage: service-memory.sh OUT_DIR [INTERVAL_S]}
interval=${2:-2}
size=${3:-quick}
case "$size" in
  quick) bench_flag=--quick; budget=120; cap=400 ;;
  full) bench_flag=; budget=400; cap=1500 ;;
  *) echo "size must be quick or full, not $size" >&2; exit 2 ;;
esac
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
adapt="$repo/adapt"
mkdir -p "$out"
out="$(cd "$out" && pwd)"
data="$out/local"
conf="$out/config"
inbox="$out/inbox"
mkdir -p "$conf" "$inbox"

pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  "$adapt" local down --data-dir "$data" >/dev/null 2>&1 || true
}
trap cleanup EXIT

"$adapt" local up --no-services --detach --data-dir "$data"
bootstrap=$(python3 -c "import json;print(json.load(open('$data/local.json'))['bootstrapServers'])")
registry=$(python3 -c "import json;print(json.load(open('$data/local.json'))['schemaRegistryUrl'])")

common="bootstrap.servers=$bootstrap
schema.registry.url=$registry
run.id=memory
data.partitions=3
replication.factor=1"
# the demo's settings for this size (adapt-cli DemoProfile)
printf '%s\nblob.store=%s\ningest.inbox.dir=%s\n' "$common" "$data/blobs" "$inbox" > "$conf/ingest.properties"
printf '%s\nblob.store=%s\nscoring.instance.id=scoring-1\n' "$common" "$data/blobs" > "$conf/scoring.properties"
printf '%s\nselector.policy=adapt\nselector.budget=%s\nselector.pool.cap=%s\nselector.state.dir=%s\nselector.http.port=0\n' \
  "$common" "$budget" "$cap" "$out/selector-state" > "$conf/selector.properties"
printf '%s\nblob.store=%s\ntrainer.base=pretrain\ntrainer.batch.size=8\ntrainer.epochs=8\ntrainer.pretrain.epochs=8\ntrainer.eval.batch.size=8\n' \
  "$common" "$data/blobs" > "$conf/trainer.properties"

"$adapt" bench-data --out "$out/bench" $bench_flag >/dev/null
cp -r "$out/bench/images" "$inbox/images"

"$repo/benchmark/scripts/sample-memory.sh" 'AdaptCli serve|kafka.Kafka|AdaptCli local' "$interval" > "$out/memory.csv" &
sampler=$!
for s in ingest scoring selector trainer; do
  "$adapt" serve "$s" --config "$conf/$s.properties" > "$out/$s.log" 2>&1 &
  pids+=($!)
done

drop() { # name role: copies the release into the inbox and waits until the ingest service has published it
  cp "$out/bench/$1.json" "$inbox/$1.json"
  echo "$2" > "$inbox/$1.role"
  touch "$inbox/$1.ready"
  until [[ -f "$inbox/done/$1.result.json" ]]; do
    [[ -f "$inbox/failed/$1.error" ]] && { cat "$inbox/failed/$1.error" >&2; exit 1; }
    sleep 1
  done
  echo "published $1 ($(date +%T))"
}
drop pretrain PRETRAIN
for r in r1-llava-mix r2-m3it-many r3-minigpt4-detail r4-mantis-multi r5-visionflan-fine; do
  drop "$r" TASK
done

until "$adapt" status --bootstrap-servers "$bootstrap" --schema-registry-url "$registry" --run-id memory --json \
    > "$out/status.json" 2>/dev/null \
    && python3 -c "import json,sys; m=json.load(open(sys.argv[1])).get('evaluation') or {}; sys.exit(0 if m.get('version', -1) >= 5 else 1)" \
      "$out/status.json"; do
  sleep 5
done
echo "model v5 evaluated ($(date +%T))"
kill "$sampler" 2>/dev/null || true

python3 - "$out/memory.csv" > "$out/summary.md" <<'EOF'
import csv, statistics, sys
rows = {}
for r in csv.DictReader(open(sys.argv[1])):
    rows.setdefault(r["role"], []).append(r)
print("| JVM | samples | heap used, median / max (MiB) | heap committed, max (MiB) | RSS, median / max (MiB) |")
print("|---|---|---|---|---|")
for role, rs in sorted(rows.items()):
    used = [float(r["heap_used_mib"]) for r in rs if r["heap_used_mib"]]
    com = [float(r["heap_committed_mib"]) for r in rs if r["heap_committed_mib"]]
    rss = [float(r["rss_mib"]) for r in rs if r["rss_mib"]]
    f = lambda xs, g: f"{g(xs):,.0f}" if xs else "-"
    print(f"| {role} | {len(rs)} | {f(used, statistics.median)} / {f(used, max)} | {f(com, max)} | "
          f"{f(rss, statistics.median)} / {f(rss, max)} |")
EOF
cat "$out/summary.md"
