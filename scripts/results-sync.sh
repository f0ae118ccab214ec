#!/usr/bin/env bash
# results-sync: keep an `adapt experiment` directory's small outputs in the repository, so a long table is built up
# across sessions and machines instead of restarting.
#
#   scripts/results-sync.sh save    EXP_DIR STORE_DIR   copy each finished run's results.json, run.json and
#                                                       selections.json (gzipped), and the table files, to STORE_DIR
#   scripts/results-sync.sh restore EXP_DIR STORE_DIR   put back the runs of every COMPLETE seed (every method of
#                                                       experiment.json's run list done), so the experiment skips them
#
# Only complete seeds are restored: a seed's runs share its base model v0, which is not stored (it is a 4.5 MB
# binary), and in fast mode a retrained v0 differs, so a half-done seed is run again from its start.
set -euo pipefail

die() { echo "results-sync: $*" >&2; exit 1; }
[[ $# -eq 3 ]] || die "usage: $0 save|restore EXP_DIR STORE_DIR"
mode=$1 exp=$2 store=$3

case $mode in
  save)
    [[ -d $exp/runs ]] || die "$exp/runs: no such directory"
    mkdir -p "$store/runs"
    for f in experiment.json table.json table.md; do
      [[ -f $exp/$f ]] && cp "$exp/$f" "$store/$f"
    done
    for run in "$exp"/runs/*/; do
      id=$(basename "$run")
      [[ -f $run/results.json ]] || continue
      mkdir -p "$store/runs/$id"
      cp "$run/results.json" "$store/runs/$id/"
      [[ -f $run/run.json ]] && cp "$run/run.json" "$store/runs/$id/"
      [[ -f $run/selections.json ]] && gzip -9nc "$run/selections.json" > "$store/runs/$id/selections.json.gz"
    done
    ;;
  restore)
    [[ -d $store/runs ]] || { echo "results-sync: nothing stored in $store yet"; exit 0; }
    [[ -f $store/experiment.json ]] || die "$store/experiment.json missing: cannot check the settings"
    mkdir -p "$exp/runs"
    [[ -f $exp/experiment.json ]] || cp "$store/experiment.json" "$exp/experiment.json"
    cmp -s "$store/experiment.json" "$exp/experiment.json" \
      || die "$exp/experiment.json differs from the stored one: another experiment"
    # seeds and methods from the stored run ids (<method>-s<seed>); a seed is complete when it has every method
    methods=$(ls "$store/runs" | sed -E 's/-s[0-9]+(-[0-9]+)?$//' | sort -u)
    seeds=$(ls "$store/runs" | sed -E 's/^.*-s([0-9]+)(-[0-9]+)?$/\1/' | sort -un)
    for seed in $seeds; do
      complete=1
      for m in $methods; do
        ls -d "$store/runs/$m-s$seed" "$store/runs/$m-s$seed-"* >/dev/null 2>&1 || complete=0
      done
      ((complete)) || { echo "seed $seed: incomplete in $store, not restored (it runs again)"; continue; }
      for src in "$store"/runs/*-s"$seed" "$store"/runs/*-s"$seed"-*; do
        [[ -d $src ]] || continue
        dst="$exp/runs/$(basename "$src")"
        [[ -f $dst/results.json ]] && continue
        mkdir -p "$dst"
        cp "$src/results.json" "$dst/"
        [[ -f $src/run.json ]] && cp "$src/run.json" "$dst/"
        [[ -f $src/selections.json.gz ]] && gunzip -c "$src/selections.json.gz" > "$dst/selections.json"
      done
      echo "seed $seed: restored"
    done
    ;;
  *) die "unknown mode '$mode' (save or restore)" ;;
esac
