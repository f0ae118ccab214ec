#!/usr/bin/env bash
# Publish memory: generates a large LLaVA JSON array and a large JSONL file (`adapt big-data`, seeded), publishes
# each through `adapt publish` to local mode's broker with a small heap, and records the publishing JVM's peak
# resident set size (/usr/bin/time -v, "Maximum resident set size") next to the file's size and the publish's
# counts, which are checked against what the generator says a correct publish reports.
#
# Usage (from anywhere): benchmark/scripts/publish-memory.sh OUT_DIR [SIZE] [HEAP] [SEED]
#   OUT_DIR  scratch directory for the files, local mode's data and the results (needs ~3x SIZE per format free)
#   SIZE     size of each file (default 1g)     HEAP  -Xmx of the publishing JVM (default 256m)
#   SEED     generator seed (default 0)         FORMATS env var: which formats (default "llava jsonl")
#   ADAPT    env var: the adapt command to run (default: the repository's ./adapt)
# Writes OUT_DIR/memory.json and OUT_DIR/memory.md (one row per format). Takes about 10 minutes per GB on 2 cores.
set -euo pipefail
out=${1:?usage: publish-memory.sh OUT_DIR [SIZE] [HEAP] [SEED]}
size=${2:-1g}
heap=${3:-256m}
seed=${4:-0}
formats=${FORMATS:-llava jsonl}
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
adapt=${ADAPT:-$repo/adapt}
[[ -x /usr/bin/time ]] || { echo "publish-memory: /usr/bin/time (GNU time) is needed (apt-get install time)" >&2; exit 1; }
mkdir -p "$out"
out="$(cd "$out" && pwd)"
data="$out/local"

cleanup() { "$adapt" local down --data-dir "$data" >/dev/null 2>&1 || true; }
trap cleanup EXIT

"$adapt" local up --no-services --detach --data-dir "$data"

for fmt in $formats; do
  dir="$out/$fmt"
  rm -rf "$dir"
  mkdir -p "$dir"
  echo "generating a $size $fmt file in $dir ($(date +%T)) ..."
  "$adapt" big-data --out "$dir" --size "$size" --format "$fmt" --seed "$seed" > "$dir/expected.json"
  file=$(python3 -c "import json,sys;print(json.load(open(sys.argv[1]))['file'])" "$dir/expected.json")
  echo "publishing $file with -Xmx$heap ($(date +%T)) ..."
  # the adapt script execs the JVM, so time measures the publishing JVM itself
  ADAPT_JAVA_OPTS="-Xmx$heap -XX:+UseG1GC" /usr/bin/time -v -o "$dir/time.txt" \
    "$adapt" publish --release "big-$fmt-$seed" "$file" --data-dir "$data" --json > "$dir/result.json"
  echo "published ($(date +%T)): $(cat "$dir/result.json")"
  rm -f "$file" # the broker keeps its copy; the next format needs the room
done

python3 - "$out" "$heap" "$formats" <<'PY'
import json, re, sys
out, heap, formats = sys.argv[1], sys.argv[2], sys.argv[3].split()
rows = []
for fmt in formats:
    d = f"{out}/{fmt}"
    exp = json.load(open(f"{d}/expected.json"))
    res = json.loads(open(f"{d}/result.json").read().strip().splitlines()[-1])
    t = open(f"{d}/time.txt").read()
    rss_kib = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", t).group(1))
    wall = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (\S+)", t).group(1)
    parts = [float(p) for p in wall.split(":")]
    secs = parts[-1] + 60 * parts[-2] + (3600 * parts[-3] if len(parts) == 3 else 0)
    rejected = res.get("rejected", {})
    rows.append({
        "format": fmt, "fileBytes": exp["bytes"], "entries": exp["entries"], "heapLimit": heap,
        "peakRssMiB": round(rss_kib / 1024, 1), "seconds": round(secs, 1),
        "entriesPerSecond": round(exp["entries"] / secs) if secs else None,
        "accepted": res.get("accepted"), "duplicates": res.get("duplicates"), "rejected": rejected,
        "expected": {"accepted": exp["accepted"], "duplicates": exp["duplicates"], "rejected": exp["rejected"]},
        "countsAsExpected": res.get("accepted") == exp["accepted"] and res.get("duplicates") == exp["duplicates"]
            and rejected == exp["rejected"],
        "seed": exp["seed"], "exitStatus": int(re.search(r"Exit status: (\d+)", t).group(1)),
    })
json.dump({"benchmark": "publish-memory", "rows": rows}, open(f"{out}/memory.json", "w"), indent=2)
with open(f"{out}/memory.md", "w") as md:
    md.write("| format | file size | entries | heap limit | peak RSS | time | accepted | duplicates | rejected | as expected |\n")
    md.write("|---|---|---|---|---|---|---|---|---|---|\n")
    for r in rows:
        md.write(f"| {r['format']} | {r['fileBytes'] / 2**30:.2f} GiB ({r['fileBytes']} B) | {r['entries']} | -Xmx{r['heapLimit']} "
                 f"| {r['peakRssMiB']} MiB | {r['seconds']} s | {r['accepted']} | {r['duplicates']} "
                 f"| {sum(r['rejected'].values())} ({', '.join(f'{k} {v}' for k, v in sorted(r['rejected'].items()))}) "
                 f"| {'yes' if r['countsAsExpected'] else 'NO'} |\n")
print(open(f"{out}/memory.md").read())
PY
