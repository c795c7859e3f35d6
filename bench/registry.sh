#!/usr/bin/env bash
# Registry benchmark: push and pull a 4 x 48 MiB random-data image (gzip layers) to and from empty repositories
# with `distill copy`, against `skopeo copy` on the same image, in the same run. Each tool has its own
# docker-registry (127.0.0.1, plain HTTP, no auth) with fresh storage for every repetition, so neither reuses the
# other's blobs or its own from an earlier round.
# Prints the median wall-clock time of each, the ratios (skopeo time / distill time, > 1 = distill faster), the
# peak RSS of each client (/usr/bin/time -v) and the CPU seconds the registry spent serving it.
#
#   bench/registry.sh                          # 3 repetitions, median
#   REPS=5 bench/registry.sh
#   DISTILL=/path/to/distill bench/registry.sh # an already built CLI (default: publish this checkout, Native AOT)
#   BASELINE=/path/to/other/distill bench/registry.sh  # also time another build (A/B of a change), own registry too
#
# Idempotent: the image is built once in $WORK/image (rm -r it to redo); registries, storage and outputs are
# recreated for every repetition and stopped at exit. Both tools' pushes and pulls are checked to give the same
# manifest digest and the same, verified blobs.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
REPS="${REPS:-3}"
WORK="${WORK:-/tmp/distill-regbench}"
LAYERS="${LAYERS:-4}"
LAYER_MIB="${LAYER_MIB:-48}"

need() {
  command -v "$1" >/dev/null 2>&1 && return
  echo "installing $2 (for $1)..." >&2
  apt-get install -y --no-install-recommends "$2" >/dev/null 2>&1 ||
    { apt-get update >/dev/null && apt-get install -y --no-install-recommends "$2" >/dev/null; }
}
need skopeo skopeo
need docker-registry docker-registry
need curl curl
[[ -x /usr/bin/time ]] || need /usr/bin/time time

mkdir -p "$WORK"

# --- the CLI ----------------------------------------------------------------------------------------------
if [[ -z "${DISTILL:-}" ]]; then
  echo "building distill (Native AOT)..." >&2
  dotnet publish "$here/src/Distill.Cli/Distill.Cli.csproj" -c Release -o "$WORK/cli" --nologo -v quiet >&2
  DISTILL="$WORK/cli/distill"
fi

# --- the image: LAYERS top-level directories of LAYER_MIB MiB of random data, one layer each (gzip: random data
# stays the same size, and neither tool recompresses an already compressed layer) ----------------------------
IMG="$WORK/image"
if [[ ! -f "$WORK/image.complete" ]]; then
  echo "creating the image ($LAYERS x $LAYER_MIB MiB of random data)..." >&2
  rm -rf "$IMG" "$WORK/input"
  for ((i = 1; i <= LAYERS; i++)); do
    mkdir -p "$WORK/input/d$i"
    head -c $((LAYER_MIB << 20)) /dev/urandom > "$WORK/input/d$i/random.bin"
  done
  printf '#!/bin/sh\n' > "$WORK/input/d1/run" && chmod +x "$WORK/input/d1/run"
  "$DISTILL" pack "$WORK/input" --entrypoint /d1/run --split-layers -o "oci:$IMG:bench" --digestfile "$WORK/image.digest" >/dev/null
  rm -rf "$WORK/input"
  touch "$WORK/image.complete"
fi
image_digest=$(cat "$WORK/image.digest")
image_bytes=$(find "$IMG/blobs" -type f -printf '%s\n' | awk '{ s += $1 } END { printf "%d\n", s }')
layer_count=$(python3 -c "import json,sys; print(len(json.load(open(sys.argv[1]))['layers']))" "$IMG/blobs/sha256/${image_digest#sha256:}" 2>/dev/null || echo "$LAYERS")
cat "$IMG"/blobs/sha256/* > /dev/null   # page cache

# --- registries -------------------------------------------------------------------------------------------
pids=()
stop_registries() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  pids=()
}
trap stop_registries EXIT
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
declare -A host pid_of
start_registry() {  # start_registry NAME: fresh storage, a free port
  local name="$1" dir="$WORK/reg-$1" port
  rm -rf "$dir" && mkdir -p "$dir/storage"
  port=$(free_port)
  cat > "$dir/config.yml" <<EOF
version: 0.1
log:
  level: error
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: $dir/storage
  maintenance:
    uploadpurging:
      enabled: false
http:
  addr: 127.0.0.1:$port
  secret: regbench
EOF
  docker-registry serve "$dir/config.yml" > "$dir/log" 2>&1 &
  pids+=($!)
  pid_of[$name]=$!
  host[$name]="127.0.0.1:$port"
  for ((t = 0; t < 100; t++)); do
    curl -fs "http://127.0.0.1:$port/v2/" >/dev/null && return
    sleep 0.1
  done
  echo "docker-registry $name did not start:" >&2; cat "$dir/log" >&2; exit 1
}
registry_cpu_ms() {  # utime + stime of a process, in ms
  awk -v hz="$(getconf CLK_TCK)" '{ printf "%d\n", ($14 + $15) * 1000 / hz }' "/proc/$1/stat"
}

# --- timing -----------------------------------------------------------------------------------------------
declare -A times rss regcpu cpu
run() {  # run NAME REGISTRY COMMAND...
  local name="$1" reg="$2" start end before after
  shift 2
  before=$(registry_cpu_ms "${pid_of[$reg]}")
  start=$(date +%s%N)
  /usr/bin/time -v -o "$WORK/time" "$@" > "$WORK/out.log" 2>&1 ||
    { echo "$name failed: $*" >&2; cat "$WORK/out.log" >&2; exit 1; }
  end=$(date +%s%N)
  after=$(registry_cpu_ms "${pid_of[$reg]}")
  times[$name]+="$(((end - start) / 1000000)) "
  rss[$name]+="$(awk -F': ' '/Maximum resident set size/ { print $2 }' "$WORK/time") "
  regcpu[$name]+="$((after - before)) "
  cpu[$name]+="$(awk -F': ' '/User time/ { u = $2 } /System time/ { s = $2 } END { printf "%d", (u + s) * 1000 }' "$WORK/time") "
  echo "  round $r: $name: $(((end - start) / 1000000)) ms" >&2
}

check_push() {  # the manifest the registry serves is the image's, byte for byte
  local got
  got=$(skopeo inspect --raw --tls-verify=false "docker://$1/bench:$r" | sha256sum | cut -d' ' -f1)
  [[ "sha256:$got" == "$image_digest" ]] || { echo "CHECK FAILED: $2 push: manifest sha256:$got != $image_digest" >&2; exit 1; }
}
check_pull() {  # every blob of the pulled layout is there and matches its name; the same blobs as the source
  local dir="$1" f
  for f in "$IMG"/blobs/sha256/*; do
    [[ -f "$dir/blobs/sha256/$(basename "$f")" ]] || { echo "CHECK FAILED: $2 pull: blob $(basename "$f") missing" >&2; exit 1; }
  done
  (cd "$dir/blobs/sha256" && for f in *; do echo "$f  $f"; done | sha256sum -c --quiet -) ||
    { echo "CHECK FAILED: $2 pull: a blob does not match its digest" >&2; exit 1; }
  grep -q "$image_digest" "$dir/index.json" || { echo "CHECK FAILED: $2 pull: index.json does not name $image_digest" >&2; exit 1; }
}

# tools: distill, skopeo and, with BASELINE=/path/to/another/distill, that build too ("baseline" rows: A/B of a change)
tools=(distill skopeo)
[[ -n "${BASELINE:-}" ]] && tools+=(baseline)
push() {  # push TOOL ROUND
  case $1 in
    distill) run "distill push" distill "$DISTILL" copy "oci:$IMG:bench" "docker://${host[distill]}/bench:$2" --dest-tls-verify=false ;;
    baseline) run "baseline push" baseline "$BASELINE" copy "oci:$IMG:bench" "docker://${host[baseline]}/bench:$2" --dest-tls-verify=false ;;
    skopeo) run "skopeo push" skopeo skopeo copy -q --dest-tls-verify=false "oci:$IMG:bench" "docker://${host[skopeo]}/bench:$2" ;;
  esac
}
pull() {  # pull TOOL ROUND
  case $1 in
    distill) run "distill pull" distill "$DISTILL" copy "docker://${host[distill]}/bench:$2" "oci:$WORK/pull-distill:bench" --src-tls-verify=false ;;
    baseline) run "baseline pull" baseline "$BASELINE" copy "docker://${host[baseline]}/bench:$2" "oci:$WORK/pull-baseline:bench" --src-tls-verify=false ;;
    skopeo) run "skopeo pull" skopeo skopeo copy -q --src-tls-verify=false "docker://${host[skopeo]}/bench:$2" "oci:$WORK/pull-skopeo:bench" ;;
  esac
}

echo "timing ($REPS repetitions, round-robin; fresh registries every round)..." >&2
for ((r = 1; r <= REPS; r++)); do
  stop_registries
  for tool in "${tools[@]}"; do
    start_registry "$tool"
    rm -rf "$WORK/pull-$tool"
  done
  # rotate which tool goes first, so none always gets the quieter moment
  order=("${tools[@]:$(((r - 1) % ${#tools[@]}))}" "${tools[@]:0:$(((r - 1) % ${#tools[@]}))}")
  for tool in "${order[@]}"; do push "$tool" "$r"; done
  sync
  for tool in "${order[@]}"; do pull "$tool" "$r"; done
  for tool in "${tools[@]}"; do
    check_push "${host[$tool]}" "$tool"
    check_pull "$WORK/pull-$tool" "$tool"
  done
  rm -rf "$WORK"/pull-*
  sync
done
stop_registries
echo "checks: every push serves manifest $image_digest; every pulled layout holds every blob, each matching its digest" >&2

# --- report -----------------------------------------------------------------------------------------------
middle() { tr ' ' '\n' <<<"$1" | grep . | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
names=("distill push" "skopeo push" "distill pull" "skopeo pull")
[[ -n "${BASELINE:-}" ]] && names+=("baseline push" "baseline pull")
declare -A median
for name in "${names[@]}"; do median[$name]=$(middle "${times[$name]}"); done
ratio() { awk -v s="${median[$2]}" -v d="${median[$1]}" 'BEGIN { printf "%.2f", s / d }'; }

echo
echo "date: $(date -u +%F)  machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "image: $IMG ($layer_count gzip layers of random data, $image_bytes bytes of blobs), $REPS repetitions, median"
echo
printf '| %-13s | %8s | %7s | %13s | %12s | %14s | %s\n' "command" "median s" "MiB/s" "max RSS (MiB)" "client CPU s" "registry CPU s" "all runs (ms)"
printf '|-%-13s-|-%8s-|-%7s-|-%13s-|-%12s-|-%14s-|-%s\n' "-------------" "--------" "-------" "-------------" "------------" "--------------" "-------------"
for name in "${names[@]}"; do
  printf '| %-13s | %8.2f | %7.1f | %13.1f | %12.2f | %14.2f | %s\n' "$name" \
    "$(awk -v ms="${median[$name]}" 'BEGIN { print ms / 1000 }')" \
    "$(awk -v b="$image_bytes" -v ms="${median[$name]}" 'BEGIN { print b / 1048576 / (ms / 1000) }')" \
    "$(awk -v kb="$(tr ' ' '\n' <<<"${rss[$name]}" | sort -n | tail -1)" 'BEGIN { print kb / 1024 }')" \
    "$(awk -v ms="$(middle "${cpu[$name]}")" 'BEGIN { print ms / 1000 }')" \
    "$(awk -v ms="$(middle "${regcpu[$name]}")" 'BEGIN { print ms / 1000 }')" "${times[$name]}"
done
echo
echo "ratios (skopeo time / distill time; > 1 means distill is faster):"
echo "  push = $(ratio "distill push" "skopeo push")"
echo "  pull = $(ratio "distill pull" "skopeo pull")"
if [[ -n "${BASELINE:-}" ]]; then
  echo "baseline time / distill time (> 1 means this build is faster than BASELINE=$BASELINE):"
  echo "  push = $(ratio "distill push" "baseline push")"
  echo "  pull = $(ratio "distill pull" "baseline pull")"
fi
