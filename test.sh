#!/usr/bin/env bash
# Runs every Distill test. Installs what the tests need when it is missing (Debian packages, as root),
# prepares podman's quirks on this kind of machine, then runs the whole suite and ends with
# "N passed, N failed[, N skipped]".
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$here"

packages=(skopeo umoci oci-image-tool runc crun podman uidmap clang lld gzip pigz zstd file buildah docker-registry apache2-utils docker.io golang-go libcap2-bin xz-utils chromium python3.11-minimal)
commands=(skopeo umoci oci-image-tool runc crun podman newuidmap clang ld.lld gzip pigz zstd file buildah docker-registry htpasswd dockerd go setcap xz chromium /usr/bin/python3.11)
missing=()
for i in "${!commands[@]}"; do
  command -v "${commands[$i]}" >/dev/null 2>&1 || [[ -x "/usr/sbin/${commands[$i]}" ]] || missing+=("${packages[$i]}")
done
if ((${#missing[@]})); then
  if [[ $(id -u) -ne 0 ]]; then
    echo "test.sh: missing ${missing[*]}; run as root or install them with apt-get" >&2
  else
    echo "test.sh: installing ${missing[*]}" >&2
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null \
      || { echo "test.sh: apt-get install failed" >&2; exit 1; }
  fi
fi

if [[ $(id -u) -eq 0 ]]; then
  # the cached Debian base image (debootstrap, about a minute the first time on a machine, then reused)
  if debian_base="$(tests/fixtures/debian-base.sh)"; then
    export DISTILL_DEBIAN_BASE="$debian_base"
  else
    echo "test.sh: tests/fixtures/debian-base.sh failed: the tests that use the Debian base image will fail" >&2
  fi
  # crun and podman need the hugetlb controller on cgroup v1 hosts
  if [[ ! -f /sys/fs/cgroup/cgroup.controllers ]] && ! mountpoint -q /sys/fs/cgroup/hugetlb 2>/dev/null; then
    mkdir -p /sys/fs/cgroup/hugetlb 2>/dev/null && mount -t cgroup -o hugetlb cgroup /sys/fs/cgroup/hugetlb 2>/dev/null || true
  fi
  # podman's default ulimits exceed what this sandbox allows
  conf=/etc/containers/containers.conf
  if ! grep -q default_ulimits "$conf" 2>/dev/null; then
    mkdir -p /etc/containers
    if grep -q '^\[containers\]' "$conf" 2>/dev/null; then
      sed -i 's/^\[containers\]/[containers]\ndefault_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]/' "$conf"
    else
      printf '[containers]\ndefault_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]\n' >> "$conf"
    fi
  fi
fi

log="$(mktemp)"
dotnet test "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
total=$(grep -E '^\s*total: [0-9]+' "$log" | tail -1 | grep -oE '[0-9]+')
failed=$(grep -E '^\s*failed: [0-9]+' "$log" | tail -1 | grep -oE '[0-9]+')
passed=$(grep -E '^\s*succeeded: [0-9]+' "$log" | tail -1 | grep -oE '[0-9]+')
skipped=$(grep -E '^\s*skipped: [0-9]+' "$log" | tail -1 | grep -oE '[0-9]+')
rm -f "$log"
if [[ -z "$total" ]]; then
  echo "0 passed, 1 failed"
  echo "test.sh: the test run did not report a summary (build failure?)" >&2
  exit 1
fi
if [[ "${skipped:-0}" -gt 0 ]]; then
  echo "${passed:-0} passed, ${failed:-0} failed, ${skipped} skipped"
else
  echo "${passed:-0} passed, ${failed:-0} failed"
fi
if [[ "${total}" -eq 0 ]]; then
  echo "test.sh: no test ran" >&2
  exit 1
fi
exit "$status"
