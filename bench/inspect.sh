#!/usr/bin/env bash
# Inspect benchmark: `distill inspect --json` (layers, sizes, largest paths, dive's wasted space, attack surface with
# secrets read in passing) of the seed's ~1.2 GB single-stage image (bench/seed-single.sh: Debian + golang-go, built
# once per machine with distill build) against one `gzip -dc` pass over the same layer blobs, in the same run:
#   gzip -dc BLOB... > /dev/null     (the least any tool that reads the layers must do)
# Repetitions go round-robin after one unmeasured warm-up of each (both read the blobs from the page cache), and the
# median is kept. Prints wall-clock seconds, CPU seconds (user + sys) and the ratios distill / gzip (goal ≤ 1.2).
#
#   bench/inspect.sh                      # builds the CLI (./distill: Native AOT into artifacts/cli), 5 repetitions
#   REPS=9 bench/inspect.sh
#   DISTILL=/path/to/distill bench/inspect.sh
#
# Checks in the same run: distill's uncompressedSize equals the bytes gzip -dc wrote, and the JSON lists bash and dpkg.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
REPS="${REPS:-5}"
WORK="${WORK:-/tmp/distill-inspectbench}"
mkdir -p "$WORK"

command -v /usr/bin/time >/dev/null || apt-get install -y --no-install-recommends time >/dev/null
command -v python3 >/dev/null || apt-get install -y --no-install-recommends python3 >/dev/null

if [[ -z "${DISTILL:-}" ]]; then
  echo "building distill (./distill: Native AOT into artifacts/cli)..." >&2
  "$here/distill" --version >/dev/null
  DISTILL="$here/artifacts/cli/distill"
fi
export DISTILL
image="$("$here/bench/seed-single.sh")"

# the layer blobs of the image tagged latest, in order
mapfile -t blobs < <(python3 - "$image" <<'EOF'
import json, os, sys
root = sys.argv[1]
def blob(digest):
    algorithm, hex = digest.split(":")
    return os.path.join(root, "blobs", algorithm, hex)
index = json.load(open(os.path.join(root, "index.json")))
manifest = json.load(open(blob(index["manifests"][0]["digest"])))
for layer in manifest["layers"]:
    print(blob(layer["digest"]))
EOF
)
compressed=$(stat -c %s "${blobs[@]}" | awk '{ s += $1 } END { print s }')
echo "image: $image, ${#blobs[@]} layers, $compressed bytes compressed" >&2

# run NAME: one timed run; appends "wall cpu" to $WORK/NAME.times
run() {
  local name=$1 out="$WORK/$1.out"
  case $name in
    distill) /usr/bin/time -f "%e %U %S" -o "$WORK/time" "$DISTILL" inspect "oci:$image:latest" --json >"$out" ;;
    gzip) /usr/bin/time -f "%e %U %S" -o "$WORK/time" gzip -dc "${blobs[@]}" >/dev/null ;;
  esac
  awk '{ printf "%s %.2f\n", $1, $2 + $3 }' "$WORK/time" >>"$WORK/$name.times"
}

rm -f "$WORK"/*.times
echo "warm-up (and the byte count of gzip -dc, untimed)..." >&2
run distill
gzip -dc "${blobs[@]}" | wc -c >"$WORK/gzip.bytes"
rm -f "$WORK"/*.times
for ((r = 0; r < REPS; r++)); do
  if ((r % 2 == 0)); then run distill; run gzip; else run gzip; run distill; fi
  echo "  repetition $((r + 1))/$REPS: distill $(tail -1 "$WORK/distill.times"), gzip -dc $(tail -1 "$WORK/gzip.times") (wall s, cpu s)" >&2
done

# the checks: same uncompressed bytes, and the attack surface is there
python3 - "$WORK/distill.out" "$(cat "$WORK/gzip.bytes")" <<'EOF'
import json, sys
report = json.load(open(sys.argv[1]))
gzip_bytes = int(sys.argv[2])
assert report["uncompressedSize"] == gzip_bytes, f"distill uncompressedSize {report['uncompressedSize']} != gzip -dc bytes {gzip_bytes}"
paths = [f["path"] for f in report["shells"] + report["packageManagers"]]
assert "/usr/bin/bash" in paths and "/usr/bin/dpkg" in paths, paths
print(f"checked: uncompressedSize = gzip -dc bytes = {gzip_bytes}; {len(report['shells'])} shells, "
      f"{len(report['packageManagers'])} package managers, {len(report['setuidFiles'])} setuid, {len(report['compilers'])} compilers, "
      f"{len(report['secrets'])} secrets; wasted {report['wastedBytes']} bytes, efficiency {report['efficiency']:.4f}; "
      f"{report['fileCount']} files")
EOF

median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
dw=$(cut -d' ' -f1 "$WORK/distill.times" | median); dc=$(cut -d' ' -f2 "$WORK/distill.times" | median)
gw=$(cut -d' ' -f1 "$WORK/gzip.times" | median); gc=$(cut -d' ' -f2 "$WORK/gzip.times" | median)
echo
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg); $REPS repetitions, medians"
printf "| %-32s | %8s | %8s | %s\n" "command" "wall s" "CPU s" "all runs (wall cpu)"
printf "|%s|%s|%s|%s\n" "----------------------------------" "----------" "----------" "--------------------"
printf "| %-32s | %8s | %8s | %s\n" "distill inspect --json" "$dw" "$dc" "$(tr '\n' ',' <"$WORK/distill.times" | sed 's/,$//; s/,/, /g')"
printf "| %-32s | %8s | %8s | %s\n" "gzip -dc (layers) > /dev/null" "$gw" "$gc" "$(tr '\n' ',' <"$WORK/gzip.times" | sed 's/,$//; s/,/, /g')"
echo
awk -v dw="$dw" -v gw="$gw" -v dc="$dc" -v gc="$gc" 'BEGIN {
  printf "ratio distill / gzip -dc: wall %.2f, CPU %.2f (goal <= 1.2)\n", dw / gw, dc / gc }'
