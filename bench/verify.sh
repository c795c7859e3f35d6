#!/usr/bin/env bash
# Verify benchmark: `distill verify` of the seed's ~1.2 GB single-stage image (bench/seed-single.sh: the Debian base +
# apt-get install golang-go + go build; 4 gzip layers, 490 MB compressed) next to one `gzip -dc` pass over the same
# layer blobs, in the same run — the floor for any tool that must see every tar header of a gzip image. Also times one
# pass of System.IO.Compression (zlib-ng, what distill decompresses with) over the blobs, through
# bench/Distill.Bench's `gunzip` (so decompression speed and verify's own work can be told apart), and `pigz -dc`.
# Rounds go round-robin (the first command rotates); medians of wall-clock seconds and of CPU seconds (user + sys),
# and the ratios verify / gzip -dc (goal: ≤ 1).
#
#   bench/verify.sh                            # 5 rounds
#   REPS=9 bench/verify.sh
#   DISTILL=./artifacts/cli/distill bench/verify.sh   # an already built CLI (default: ./distill's Native AOT build)
#
# Checks in the same run: verify exits 0 (the image's CMD /bin/bash can run) and prints ok; both decompressions see
# the same number of uncompressed bytes.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
REPS="${REPS:-5}"
work="$(mktemp -d /tmp/distill-verifybench.XXXXXX)"
trap 'rm -rf "$work"' EXIT

if [[ -z "${DISTILL:-}" ]]; then
  echo "building distill (./distill: Native AOT into artifacts/cli)..." >&2
  "$here/distill" --version >/dev/null
  DISTILL="$here/artifacts/cli/distill"
fi
export DISTILL
image="$("$here/bench/seed-single.sh")"
echo "building bench/Distill.Bench (Release)..." >&2
dotnet build "$here/bench/Distill.Bench" -c Release -o "$work/bench" --nologo -v quiet >/dev/null
manifest="$image/blobs/sha256/$(jq -r '.manifests[0].digest' "$image/index.json" | cut -d: -f2)"
mapfile -t blobs < <(jq -r '.layers[].digest' "$manifest" | sed "s#^sha256:#$image/blobs/sha256/#")
compressed=$(jq '[.layers[].size] | add' "$manifest")
for blob in "${blobs[@]}"; do cat "$blob" >/dev/null; done # warm the page cache: every command reads from memory

declare -A wall cpu
run() {  # run NAME COMMAND...: time one run (wall, user + sys), output in $work/NAME.out
  local name=$1
  shift
  /usr/bin/time -f "%e %U %S" -o "$work/time" "$@" >"$work/$name.out" 2>"$work/$name.err" || [[ $name == verify ]] || {
    cat "$work/$name.err" >&2
    exit 1
  }
  read -r w u s <"$work/time"
  wall[$name]+="$w "
  cpu[$name]+="$(echo "$u + $s" | bc) "
}
names=(verify gzip pigz dotnet)
for ((r = 0; r < REPS; r++)); do
  for ((i = 0; i < ${#names[@]}; i++)); do
    name=${names[$(((i + r) % ${#names[@]}))]}
    case $name in
      verify) run verify "$DISTILL" verify "oci:$image:latest" ;;
      gzip) run gzip sh -c 'cat "$@" | gzip -dc | wc -c' sh "${blobs[@]}" ;;
      pigz) run pigz sh -c 'cat "$@" | pigz -dc | wc -c' sh "${blobs[@]}" ;;
      dotnet) run dotnet dotnet "$work/bench/Distill.Bench.dll" gunzip "${blobs[@]}" ;;
    esac
  done
  grep -q '^ok: ' "$work/verify.out" || { echo "verify did not pass:" >&2; cat "$work/verify.out" "$work/verify.err" >&2; exit 1; }
  [[ "$(cat "$work/gzip.out")" == "$(awk '{print $3}' "$work/dotnet.out")" ]] || { echo "gzip and System.IO.Compression disagree" >&2; exit 1; }
done

median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
ratio() { echo "scale=2; $1 / $2" | bc; }
uncompressed=$(cat "$work/gzip.out")
echo
echo "image: $image ($((compressed / 1000000)) MB compressed, $((uncompressed / 1000000)) MB of tar, ${#blobs[@]} layers), $REPS rounds, medians"
printf '%-44s %10s %10s\n' "" "wall s" "cpu s"
declare -A mw mc
for name in verify gzip pigz dotnet; do
  mw[$name]=$(echo "${wall[$name]}" | median)
  mc[$name]=$(echo "${cpu[$name]}" | median)
done
printf '%-44s %10s %10s\n' "distill verify" "${mw[verify]}" "${mc[verify]}"
printf '%-44s %10s %10s\n' "gzip -dc (one pass over the layer blobs)" "${mw[gzip]}" "${mc[gzip]}"
printf '%-44s %10s %10s\n' "pigz -dc (one pass)" "${mw[pigz]}" "${mc[pigz]}"
printf '%-44s %10s %10s\n' "System.IO.Compression (one pass)" "${mw[dotnet]}" "${mc[dotnet]}"
echo "verify / gzip -dc: wall $(ratio "${mw[verify]}" "${mw[gzip]}")x, cpu $(ratio "${mc[verify]}" "${mc[gzip]}")x (goal <= 1)"
echo "System.IO.Compression / gzip -dc: wall $(ratio "${mw[dotnet]}" "${mw[gzip]}")x, cpu $(ratio "${mc[dotnet]}" "${mc[gzip]}")x"
echo "verify / System.IO.Compression: wall $(ratio "${mw[verify]}" "${mw[dotnet]}")x, cpu $(ratio "${mc[verify]}" "${mc[dotnet]}")x"
