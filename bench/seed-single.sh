#!/usr/bin/env bash
# Builds (once per machine) the seed's single-stage image — examples/calculator-go/Dockerfile.single: the Debian base
# as ubuntu + apt-get install golang-go + go build, ~1.2 GB — with `distill build`, and prints its OCI layout path:
#   bench/seed-single.sh            # prints /var/cache/distill-bench/seed-single (an oci: layout, tag latest)
# Shared by the benchmarks that need a big real image (inspect.sh, verify.sh): one builder at a time under
# `flock /var/cache/distill-bench/.lock`; the layout is built beside the cache and renamed into place, so its
# index.json exists only when it is complete. The base (tests/fixtures/debian-base.sh) is put in a private store as
# ubuntu:latest, so `FROM ubuntu` resolves locally (as bench/build.sh does) and no registry is needed; RUN uses the
# host's network for the Debian mirror apt uses. DISTILL=path/to/distill to use an already built CLI.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cache="${DISTILL_BENCH_CACHE:-/var/cache/distill-bench}"
layout="$cache/seed-single"

if [[ -f "$layout/index.json" ]]; then
  echo "$layout"
  exit 0
fi
mkdir -p "$cache"
exec 9>"$cache/.lock"
flock 9
if [[ -f "$layout/index.json" ]]; then
  echo "$layout"
  exit 0
fi

distill="${DISTILL:-}"
if [[ -z "$distill" ]]; then
  "$here/distill" --version >/dev/null
  distill="$here/artifacts/cli/distill"
fi
base="$("$here/tests/fixtures/debian-base.sh")"
work="$(mktemp -d "$cache/.seed-single.XXXXXX")"
trap 'rm -rf "$work"' EXIT
echo "seed-single.sh: building examples/calculator-go/Dockerfile.single with distill build (apt-get install golang-go)..." >&2
export DISTILL_STORE="$work/store"
"$distill" copy "oci:$base:latest" ubuntu:latest >/dev/null
"$distill" build "$here/examples/calculator-go" -f "$here/examples/calculator-go/Dockerfile.single" -t seed-single \
  --progress plain >"$work/build.log" 2>&1 || { tail -30 "$work/build.log" >&2; exit 1; }
"$distill" copy seed-single "oci:$work/oci:latest" >/dev/null
rm -rf "$layout"
mv "$work/oci" "$layout"
echo "$layout"
