#!/usr/bin/env bash
# Pack benchmark: `distill pack DIR -o oci:OUT` against `tar -c | gzip -6`, `tar -c | pigz -6 -p 2`,
# `tar -c | zstd -3 -T2` and `umoci repack` on the same ~500 MiB input, in the same run.
# Prints the median MiB/s of input of each (wall clock), the median CPU time (user + sys, all processes of the
# command) and the ratios (the machine is shared: compare ratios, not times).
#
#   bench/pack.sh                              # 3 repetitions of each, median
#   REPS=5 bench/pack.sh
#   DISTILL=/path/to/distill bench/pack.sh     # an already built CLI (default: publish this checkout, Native AOT)
#   INPUT=/some/dir bench/pack.sh              # another input (default: a sample of /usr/lib of at most SIZE_MIB=560 MiB, cached)
#   ONLY=distill bench/pack.sh                 # only the distill rows (quick check of a change; no ratios)
#
# Idempotent: the input and the umoci bundle are prepared once and reused; outputs are removed before each run.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
REPS="${REPS:-3}"
SIZE_MIB="${SIZE_MIB:-560}"   # at most: the sample of /usr/lib is ~490 MiB
SOURCE="${SOURCE:-/usr/lib}"
INPUT="${INPUT:-/tmp/distill-bench-input}"
WORK="${WORK:-/tmp/distill-bench-work}"
ONLY="${ONLY:-}"

need() {
  command -v "$1" >/dev/null 2>&1 && return
  echo "installing $2 (for $1)..." >&2
  apt-get install -y --no-install-recommends "$2" >/dev/null 2>&1 ||
    { apt-get update >/dev/null && apt-get install -y --no-install-recommends "$2" >/dev/null; }
}
need pigz pigz
need zstd zstd
need umoci umoci
need skopeo skopeo
[[ -x /usr/bin/time ]] || need /usr/bin/time time

mkdir -p "$WORK"

# --- the CLI ----------------------------------------------------------------------------------------------
if [[ -z "${DISTILL:-}" ]]; then
  echo "building distill (Native AOT)..." >&2
  dotnet publish "$here/src/Distill.Cli/Distill.Cli.csproj" -c Release -o "$WORK/cli" --nologo -v quiet >&2
  DISTILL="$WORK/cli/distill"
fi

# --- the input: a SIZE_MIB MiB sample of $SOURCE (files and symlinks, with their directories) --
# The marker that says the copy is complete lives beside the input, not in it.
if [[ ! -f "$INPUT.complete" ]]; then
  echo "preparing $INPUT: a $SIZE_MIB MiB sample of $SOURCE..." >&2
  rm -rf "$INPUT" && mkdir -p "$INPUT"
  # every k-th file of the sorted tree, with the smallest k whose sample fits in SIZE_MIB: a mix of small and
  # large files from everywhere in the tree (sources, scripts, shared libraries, archives, symlinks)
  (cd "$SOURCE" && find . -mindepth 1 \( -type f -o -type l \) -printf '%s\t%p\0' | LC_ALL=C sort -z -t $'\t' -k2) > "$WORK/all.list"
  stride=$(awk -v RS='\0' -F'\t' -v limit=$((SIZE_MIB << 20)) \
    '{ for (k = 1; k <= 100; k++) if ((NR - 1) % k == 0) sum[k] += $1 }
     END { for (k = 1; k <= 100; k++) if (sum[k] <= limit) { print k; exit } print 100 }' "$WORK/all.list")
  awk -v RS='\0' -v ORS='\0' -F'\t' -v k="$stride" '(NR - 1) % k == 0 { sub(/^[^\t]*\t/, ""); print }' \
    "$WORK/all.list" > "$WORK/input.list"
  tar -C "$SOURCE" --null -T "$WORK/input.list" -cf - | tar -C "$INPUT" -xpf -
  touch "$INPUT.complete"
fi
input_bytes=$(find "$INPUT" -type f -printf '%s\n' | awk '{ s += $1 } END { printf "%d\n", s }')
input_files=$(find "$INPUT" -type f | wc -l)
input_entries=$(find "$INPUT" -mindepth 1 | wc -l)
input_mib=$(awk -v b="$input_bytes" 'BEGIN { printf "%.1f", b / 1048576 }')
entrypoint=$(cd "$INPUT" && find . -type f -perm -u+x -printf '%P\n' | LC_ALL=C sort | head -1)
[[ -n "$entrypoint" ]] || { echo "no executable file in $INPUT for --entrypoint" >&2; exit 1; }

# --- the umoci bundle: an empty image unpacked, the input copied into its rootfs --------------------------
if [[ -z "$ONLY" && ! -f "$WORK/umoci.complete" ]]; then
  echo "preparing the umoci bundle..." >&2
  rm -rf "$WORK/umoci-image" "$WORK/umoci-bundle"
  umoci init --layout "$WORK/umoci-image"
  umoci new --image "$WORK/umoci-image:base"
  umoci unpack --image "$WORK/umoci-image:base" "$WORK/umoci-bundle" >/dev/null
  cp -a "$INPUT/." "$WORK/umoci-bundle/rootfs/"
  touch "$WORK/umoci.complete"
fi

echo "warming the page cache..." >&2
tar -C "$INPUT" -cf - . | cat >/dev/null
[[ -n "$ONLY" ]] || tar -C "$WORK/umoci-bundle/rootfs" -cf - . | cat >/dev/null

# --- timing -----------------------------------------------------------------------------------------------
# Each command prints the size of what it produced (bytes) on its last line. Repetitions go round-robin over the
# commands, so that a burst of load from elsewhere on the machine spreads over all of them rather than one.
names=() prepares=() commands=()
add() { names+=("$1"); prepares+=("$2"); commands+=("$3"); }
out="$WORK/out"
pack="'$DISTILL' pack '$INPUT' --entrypoint '$entrypoint' -o 'oci:$out'"
layers="| sed -n 's/^Size: [^(]*(\\([0-9]*\\) bytes).*/\\1/p'"
add "distill gzip" "rm -rf '$out'" "$pack --digestfile '$WORK/digest-gzip' $layers"
add "distill zstd" "rm -rf '$out'" "$pack --compression zstd --digestfile '$WORK/digest-zstd' $layers"
add "distill gzip --split-layers" "rm -rf '$out'" "$pack --split-layers $layers"
if [[ -z "$ONLY" ]]; then
  add "tar | gzip -6" ":" "tar -C '$INPUT' -cf - . | gzip -6 | wc -c"
  add "tar | pigz -6 -p 2" ":" "tar -C '$INPUT' -cf - . | pigz -6 -p 2 | wc -c"
  add "tar | zstd -3 -T2" ":" "tar -C '$INPUT' -cf - . | zstd -q -3 -T2 | wc -c"
  # the new layer is the largest blob written by this run
  add "umoci repack" "umoci gc --layout '$WORK/umoci-image' && touch '$WORK/umoci.mark'" \
    "umoci repack --image '$WORK/umoci-image:bench' --no-history '$WORK/umoci-bundle' 2>/dev/null &&
     find '$WORK/umoci-image/blobs' -type f -newer '$WORK/umoci.mark' -printf '%s\\n' | sort -n | tail -1"
fi

declare -A times cpus size
echo "timing ($REPS repetitions of each, round-robin)..." >&2
for ((r = 1; r <= REPS; r++)); do
  for i in "${!names[@]}"; do
    name="${names[$i]}"
    bash -c "${prepares[$i]}"
    start=$(date +%s%N)
    result=$(/usr/bin/time -f '%U %S' -o "$WORK/cpu" bash -o pipefail -c "${commands[$i]}") ||
      { echo "$name failed: ${commands[$i]}" >&2; exit 1; }
    end=$(date +%s%N)
    times[$name]+="$(((end - start) / 1000000)) "
    cpus[$name]+="$(awk '{ printf "%d", ($1 + $2) * 1000 }' "$WORK/cpu") "
    size[$name]=$(tail -1 <<<"$result")
    echo "  round $r: $name: $(((end - start) / 1000000)) ms" >&2
  done
done
declare -A median cpu
middle() { tr ' ' '\n' <<<"$1" | grep . | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
for name in "${names[@]}"; do
  median[$name]=$(middle "${times[$name]}")
  cpu[$name]=$(middle "${cpus[$name]}")
done

# --- checks: same digest on one core as on all of them -----------------------------------------------------
if command -v taskset >/dev/null && [[ $(nproc) -gt 1 ]]; then
  for c in gzip zstd; do
    rm -rf "$out"
    taskset -c 0 "$DISTILL" pack "$INPUT" --entrypoint "$entrypoint" -o "oci:$out" --compression "$c" --digestfile "$WORK/digest-$c-1cpu" >/dev/null
    if cmp -s "$WORK/digest-$c" "$WORK/digest-$c-1cpu"; then
      echo "check: $c digest on 1 core = on $(nproc) cores ($(cat "$WORK/digest-$c"))" >&2
    else
      echo "CHECK FAILED: $c digest on 1 core $(cat "$WORK/digest-$c-1cpu") != on $(nproc) cores $(cat "$WORK/digest-$c")" >&2
      exit 1
    fi
  done
fi
rm -rf "$out"

# --- report -----------------------------------------------------------------------------------------------
rate() { awk -v b="$input_bytes" -v ms="${median[$1]}" 'BEGIN { printf "%.1f", b / 1048576 / (ms / 1000) }'; }
ratio() { awk -v a="${median[$2]}" -v b="${median[$1]}" -v k="${3:-1}" 'BEGIN { printf "%.2f", a / b * k }'; }
cpu_ratio() { awk -v a="${cpu[$2]}" -v b="${cpu[$1]}" 'BEGIN { printf "%.2f", a / b }'; }

echo
echo "date: $(date -u +%F)  machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')"
echo "input: $INPUT, $input_bytes bytes ($input_mib MiB) in $input_files files ($input_entries entries), $REPS repetitions, median"
echo
printf '| %-28s | %8s | %7s | %9s | %12s | %12s | %6s | %s\n' "command" "median s" "MiB/s" "CPU s" "MiB/CPU-s" "output bytes" "ratio" "all runs (ms)"
printf '|-%-28s-|-%8s-|-%7s-|-%9s-|-%12s-|-%12s-|-%6s-|-%s\n' "----------------------------" "--------" "-------" "---------" "------------" "------------" "------" "-------------"
for name in "${names[@]}"; do
  printf '| %-28s | %8.2f | %7s | %9.2f | %12.1f | %12s | %6s | %s\n' "$name" "$(awk -v ms="${median[$name]}" 'BEGIN { print ms / 1000 }')" "$(rate "$name")" \
    "$(awk -v ms="${cpu[$name]}" 'BEGIN { print ms / 1000 }')" "$(awk -v b="$input_bytes" -v ms="${cpu[$name]}" 'BEGIN { print b / 1048576 / (ms / 1000) }')" \
    "${size[$name]}" "$(awk -v s="${size[$name]}" -v b="$input_bytes" 'BEGIN { printf "%.3f", s / b }')" "${times[$name]}"
done
if [[ -z "$ONLY" ]]; then
  echo
  echo "ratios (throughput; > 1 means distill is faster):"
  echo "  distill gzip / gzip -6             = $(ratio "distill gzip" "tar | gzip -6")"
  echo "  distill gzip / pigz -p 2           = $(ratio "distill gzip" "tar | pigz -6 -p 2")"
  echo "  distill gzip / (2 x gzip -6)       = $(ratio "distill gzip" "tar | gzip -6" 0.5)"
  echo "  distill gzip / umoci repack        = $(ratio "distill gzip" "umoci repack")"
  echo "  distill split / pigz -p 2          = $(ratio "distill gzip --split-layers" "tar | pigz -6 -p 2")"
  echo "  distill zstd / zstd -3 -T2         = $(ratio "distill zstd" "tar | zstd -3 -T2")"
  echo "  distill zstd / distill gzip        = $(ratio "distill zstd" "distill gzip")"
  echo
  echo "CPU efficiency (MiB per CPU-second, less sensitive to load from elsewhere; > 1 means distill needs less CPU):"
  echo "  distill gzip / gzip -6             = $(cpu_ratio "distill gzip" "tar | gzip -6")"
  echo "  distill gzip / pigz -p 2           = $(cpu_ratio "distill gzip" "tar | pigz -6 -p 2")"
  echo "  distill gzip / umoci repack        = $(cpu_ratio "distill gzip" "umoci repack")"
  echo "  distill zstd / zstd -3 -T2         = $(cpu_ratio "distill zstd" "tar | zstd -3 -T2")"
fi
