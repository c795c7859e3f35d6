#!/usr/bin/env bash
# Build benchmark: cold build and warm rebuild (nothing changed) of two Dockerfiles with `distill build`, BuildKit
# (a private dockerd started here, /usr/bin/docker with DOCKER_BUILDKIT=1) and `buildah build --layers`, in the same
# run, with the base image (the debootstrap Debian base, as ubuntu:latest) already local to every tool:
#   seed:  examples/calculator-go/Dockerfile, verbatim (apt-get install golang-go, go build, FROM scratch + /app);
#   heavy: bench/build/heavy.Dockerfile (4 stages, 10 RUN steps, a ~100 MB COPY of ~8000 files, whiteouts, a
#          final stage on the base with ~60 MB of new files).
# Cold = the tool's build cache emptied, base image kept: distill, a fresh store with the base copied in (so the
# base's unpacking is timed too); BuildKit, the image removed and `docker builder prune -af`; buildah, every image
# and container removed and the base pulled in again. A "distill --no-cache" row (store and base snapshots kept) is
# timed too. Warm = the same build again at once. Every RUN has the host's network (the Debian mirror apt uses).
# Prints the median wall-clock seconds of each and the ratios distill / peer (< 1 = distill faster).
#
#   bench/build.sh                        # 3 repetitions, median
#   REPS=5 bench/build.sh
#   DISTILL=/path/to/distill bench/build.sh   # an already built CLI (default: ./distill's Native AOT build, artifacts/cli/distill)
#   ONLY=distill REPS=1 bench/build.sh    # only the distill rows: a quick check of a change
#   CASES=seed bench/build.sh             # only one of the Dockerfiles (seed, heavy)
#
# Checks in the same run: every distill cold build of a Dockerfile gives the same manifest digest (also with
# --no-cache), the warm rebuild gives it again, and every tool's seed image answers `1 + 2` with `Result: 3`.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
REPS="${REPS:-3}"
WORK="${WORK:-/tmp/distill-buildbench}"
ONLY="${ONLY:-}"
CASES="${CASES:-seed heavy}"
BASE="${BASE:-${DISTILL_DEBIAN_BASE:-}}"

need() {
  command -v "$1" >/dev/null 2>&1 && return
  echo "installing $2 (for $1)..." >&2
  apt-get install -y --no-install-recommends "$2" >/dev/null 2>&1 ||
    { apt-get update >/dev/null && apt-get install -y --no-install-recommends "$2" >/dev/null; }
}
need runc runc
need go golang-go
if [[ -z "$ONLY" ]]; then
  need dockerd docker.io
  need buildah buildah
fi

mkdir -p "$WORK"
WORK="$(cd "$WORK" && pwd)"

# --- the CLI and the base image ---------------------------------------------------------------------------
if [[ -z "${DISTILL:-}" ]]; then
  echo "building distill (./distill: Native AOT into artifacts/cli)..." >&2
  "$here/distill" --version >/dev/null
  DISTILL="$here/artifacts/cli/distill"
fi
[[ -n "$BASE" ]] || BASE="$("$here/tests/fixtures/debian-base.sh")"
[[ -f "$BASE/index.json" ]] || { echo "no base image layout at $BASE" >&2; exit 1; }

# --- the build contexts -----------------------------------------------------------------------------------
SEED_CTX="$here/examples/calculator-go"
HEAVY_CTX="$WORK/heavy-ctx"
if [[ ! -f "$WORK/heavy-ctx.complete" ]]; then
  echo "preparing $HEAVY_CTX (the Go calculator and the Go standard library's sources)..." >&2
  rm -rf "$HEAVY_CTX" && mkdir -p "$HEAVY_CTX/calc"
  cp "$SEED_CTX/main.go" "$HEAVY_CTX/calc/"
  cp -a "$(readlink -f "$(go env GOROOT)/src")" "$HEAVY_CTX/gosrc"
  touch "$WORK/heavy-ctx.complete"
fi
cp "$here/bench/build/heavy.Dockerfile" "$HEAVY_CTX/Dockerfile"
declare -A context=([seed]="$SEED_CTX" [heavy]="$HEAVY_CTX")
heavy_bytes=$(du -sb "$HEAVY_CTX" | cut -f1)
heavy_files=$(find "$HEAVY_CTX" -type f | wc -l)

# --- the peers: a private dockerd, and buildah with its own storage ----------------------------------------
docker_pid=""
cleanup() {
  if [[ -n "$docker_pid" ]]; then
    kill "$docker_pid" 2>/dev/null || true
    wait "$docker_pid" 2>/dev/null || true
    # dockerd bind-mounts its data root onto itself; lift whatever is left
    grep -o " $WORK/docker[^ ]*" /proc/self/mounts | sort -r | xargs -r -n1 umount -l 2>/dev/null || true
  fi
  if [[ -z "$ONLY" ]]; then
    buildah "${BUILDAH_STORAGE[@]}" rm --all >/dev/null 2>&1 || true
    buildah "${BUILDAH_STORAGE[@]}" umount --all >/dev/null 2>&1 || true
    grep -o " $WORK/buildah[^ ]*" /proc/self/mounts | sort -r | xargs -r -n1 umount -l 2>/dev/null || true
  fi
}
BUILDAH_STORAGE=(--root "$WORK/buildah/root" --runroot "$WORK/buildah/run" --storage-driver overlay)
trap cleanup EXIT
docker_() { DOCKER_HOST="unix://$WORK/docker/docker.sock" DOCKER_BUILDKIT=1 /usr/bin/docker "$@"; }
buildah_() { buildah "${BUILDAH_STORAGE[@]}" "$@"; }
if [[ -z "$ONLY" ]]; then
  echo "starting a private dockerd..." >&2
  mkdir -p "$WORK/docker"
  dockerd --data-root "$WORK/docker/data" --exec-root "$WORK/docker/exec" --pidfile "$WORK/docker/docker.pid" \
    --host "unix://$WORK/docker/docker.sock" --iptables=false --bridge=none > "$WORK/docker/log" 2>&1 &
  docker_pid=$!
  for ((t = 0; t < 240; t++)); do
    docker_ version --format '{{.Server.Version}}' >/dev/null 2>&1 && break
    kill -0 "$docker_pid" 2>/dev/null || { echo "dockerd exited:" >&2; tail -20 "$WORK/docker/log" >&2; exit 1; }
    sleep 0.25
  done
  echo "loading the base into dockerd and buildah as ubuntu:latest..." >&2
  "$DISTILL" copy "oci:$BASE:latest" "docker-archive:$WORK/base.tar:ubuntu:latest" >/dev/null
  docker_ load -i "$WORK/base.tar" >/dev/null
fi
buildah_base() {  # (re)load the base into buildah's storage as docker.io/library/ubuntu:latest
  buildah_ pull -q "oci:$BASE:latest" >"$WORK/buildah-base.id" 2>/dev/null
  buildah_ tag "$(cat "$WORK/buildah-base.id")" docker.io/library/ubuntu:latest
}
distill_store() {  # a fresh distill store with the base in it, as ubuntu:latest
  rm -rf "$WORK/distill-store"
  DISTILL_STORE="$WORK/distill-store" "$DISTILL" copy "oci:$BASE:latest" ubuntu:latest >/dev/null
}

# --- the builds -------------------------------------------------------------------------------------------
# build TOOL CASE: one build of CASE by TOOL (cache as it is); distill writes its digest to $WORK/iid-CASE
build() {
  local dockerfile="${context[$2]}/Dockerfile"
  case $1 in
    distill) DISTILL_STORE="$WORK/distill-store" "$DISTILL" build "${context[$2]}" -f "$dockerfile" -t "bench-$2" \
               --progress plain --iidfile "$WORK/iid-$2" ;;
    distill-nocache) DISTILL_STORE="$WORK/distill-store" "$DISTILL" build "${context[$2]}" -f "$dockerfile" -t "bench-$2" \
               --progress plain --no-cache --iidfile "$WORK/iid-$2" ;;
    buildkit) docker_ build --network host --progress plain -t "bench-$2" -f "$dockerfile" "${context[$2]}" ;;
    buildah) buildah_ build --layers --pull=never --network host -t "bench-$2" -f "$dockerfile" "${context[$2]}" ;;
  esac
}
# cold_prepare TOOL CASE: empty TOOL's build cache, keep (or put back) the base image
cold_prepare() {
  case $1 in
    distill) distill_store ;;
    distill-nocache) [[ -d "$WORK/distill-store" ]] || distill_store ;;
    buildkit) docker_ rmi -f "bench-$2" >/dev/null 2>&1 || true; docker_ builder prune -af >/dev/null ;;
    buildah) buildah_ rm --all >/dev/null; buildah_ rmi --all --force >/dev/null 2>&1 || true; buildah_base ;;
  esac
  sync
}
# answer TOOL: the seed image answers 1 + 2
answer() {
  case $1 in
    distill*) printf '1 + 2\n' | DISTILL_STORE="$WORK/distill-store" "$DISTILL" run -i bench-seed ;;
    buildkit) printf '1 + 2\n' | docker_ run --rm -i --network none bench-seed ;;
    buildah) local c; c=$(buildah_ from --pull=never bench-seed) && printf '1 + 2\n' | buildah_ run "$c" /app; buildah_ rm "$c" >/dev/null ;;
  esac
}

tools=(distill distill-nocache)
[[ -z "$ONLY" ]] && tools+=(buildkit buildah)
declare -A times digests
# keep_manifest DIGEST: the manifest and config of a distill build, kept under $WORK/kept/ so that a failed
# reproducibility check can be explained (diff the two directories)
keep_manifest() {
  local blobs="$WORK/distill-store/images/blobs/sha256" hex="${1#sha256:}" dir="$WORK/kept/${1#sha256:}"
  [[ -f "$blobs/$hex" && ! -d "$dir" ]] || return 0
  mkdir -p "$dir" && cp "$blobs/$hex" "$dir/manifest.json"
  local config; config=$(grep -o '"config":{[^}]*' "$dir/manifest.json" | grep -o 'sha256:[0-9a-f]*' | head -1)
  [[ -n "$config" ]] && cp "$blobs/${config#sha256:}" "$dir/config.json"
  return 0
}
timed() {  # timed NAME TOOL CASE
  local start end
  start=$(date +%s%N)
  build "$2" "$3" > "$WORK/out.log" 2>&1 || { echo "$1 failed:" >&2; tail -40 "$WORK/out.log" >&2; exit 1; }
  end=$(date +%s%N)
  times[$1]+="$(((end - start) / 1000000)) "
  echo "  round $r: $1: $(((end - start) / 1000000)) ms" >&2
  if [[ $2 == distill* ]]; then
    digests[$3]+="$(cat "$WORK/iid-$3") "
    keep_manifest "$(cat "$WORK/iid-$3")"
  fi
}

echo "timing ($REPS repetitions, round-robin over the tools; cases: $CASES)..." >&2
for ((r = 1; r <= REPS; r++)); do
  order=("${tools[@]:$(((r - 1) % ${#tools[@]}))}" "${tools[@]:0:$(((r - 1) % ${#tools[@]}))}")
  for case_ in $CASES; do
    for tool in "${order[@]}"; do
      cold_prepare "$tool" "$case_"
      timed "$tool $case_ cold" "$tool" "$case_"
      # the warm rebuild of distill-nocache would be distill's; time it once, under "distill"
      [[ $tool == distill-nocache ]] || timed "$tool $case_ warm" "$tool" "$case_"
      if [[ $case_ == seed && $r == 1 ]]; then
        got=$(answer "$tool" 2>&1) || true
        [[ "$got" == "Result: 3" ]] || { echo "CHECK FAILED: $tool's seed image answered '1 + 2' with: $got" >&2; exit 1; }
      fi
    done
  done
done
for case_ in $CASES; do
  n=$(tr ' ' '\n' <<<"${digests[$case_]}" | grep . | sort -u | wc -l)
  [[ $n == 1 ]] || { echo "CHECK FAILED: distill's $case_ builds gave $n different digests: ${digests[$case_]} (manifests and configs in $WORK/kept/)" >&2; exit 1; }
  echo "check: every distill build of $case_ (cold, --no-cache, warm) gave $(tr ' ' '\n' <<<"${digests[$case_]}" | grep . | head -1)" >&2
done
[[ -n "$ONLY" ]] || echo "check: the seed image of distill, BuildKit and buildah answers '1 + 2' with 'Result: 3'" >&2

# --- report -----------------------------------------------------------------------------------------------
middle() { tr ' ' '\n' <<<"$1" | grep . | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
declare -A median
for name in "${!times[@]}"; do median[$name]=$(middle "${times[$name]}"); done
secs() { awk -v ms="${median[$1]}" 'BEGIN { printf "%.2f", ms / 1000 }'; }
ratio() { awk -v d="${median[$1]}" -v p="${median[$2]}" 'BEGIN { printf "%.2f", d / p }'; }

echo
echo "date: $(date -u +%F)  machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "distill $("$DISTILL" --version 2>/dev/null | head -1)$([[ -n "$ONLY" ]] || echo ", $(/usr/bin/docker --version | cut -d, -f1) (BuildKit in dockerd), $(buildah --version | cut -d' ' -f1-3)")"
echo "base: $BASE; heavy context: $heavy_bytes bytes in $heavy_files files; $REPS repetitions, median wall clock"
echo
printf '| %-8s | %-16s | %8s | %8s | %s\n' "case" "tool" "cold s" "warm s" "all runs cold / warm (ms)"
printf '|-%-8s-|-%-16s-|-%8s-|-%8s-|-%s\n' "--------" "----------------" "--------" "--------" "-------------------------"
for case_ in $CASES; do
  for tool in "${tools[@]}"; do
    warm="-"; [[ -n "${median[$tool $case_ warm]:-}" ]] && warm=$(secs "$tool $case_ warm")
    printf '| %-8s | %-16s | %8s | %8s | %s/ %s\n' "$case_" "$tool" "$(secs "$tool $case_ cold")" "$warm" \
      "${times[$tool $case_ cold]}" "${times[$tool $case_ warm]:-}"
  done
done
if [[ -z "$ONLY" ]]; then
  echo
  echo "ratios (distill time / peer time; < 1 means distill is faster):"
  for case_ in $CASES; do
    for peer in buildkit buildah; do
      printf '  %-6s cold: distill / %-9s = %s   (--no-cache: %s)   warm: distill / %-9s = %s\n' "$case_" "$peer" \
        "$(ratio "distill $case_ cold" "$peer $case_ cold")" "$(ratio "distill-nocache $case_ cold" "$peer $case_ cold")" \
        "$peer" "$(ratio "distill $case_ warm" "$peer $case_ warm")"
    done
  done
fi
