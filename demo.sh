#!/usr/bin/env bash
# The Distill demo: publishes the C# calculator as a static Native AOT binary, packs it into a
# FROM-scratch image with no daemon, and prints the image's size and how to run it.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$here"

need=()
command -v clang >/dev/null 2>&1 || need+=(clang)
command -v ld.lld >/dev/null 2>&1 || need+=(lld)
if ((${#need[@]})); then
  if [[ $(id -u) -eq 0 ]]; then
    echo "demo: installing ${need[*]} (Native AOT links with clang and lld)"
    apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  else
    echo "demo: please install ${need[*]} (sudo apt-get install ${need[*]})" >&2; exit 1
  fi
fi

out="$here/artifacts/demo"
rm -rf "$out" && mkdir -p "$out"
echo "==> dotnet publish examples/calculator (Native AOT, static, no libc needed)"
dotnet publish examples/calculator/Calculator.csproj -c Release -o "$out/app" --nologo -v quiet
ls -l "$out/app/calculator"

echo "==> distill pack: scratch + the binary, no Docker daemon"
./distill pack "$out/app" --entrypoint /calculator -t calculator:latest \
  -o "oci:$out/calculator-oci:latest" -o "docker-archive:$out/calculator.tar:calculator:latest"

echo
echo "==> the local store"
./distill images
echo
cat <<EOT
Run it:
  podman load -i $out/calculator.tar && echo '1 + 2' | podman run --rm -i calculator:latest
  docker load -i $out/calculator.tar && echo '1 + 2' | docker run --rm -i calculator:latest
  or without any engine: umoci unpack --image $out/calculator-oci:latest bundle && runc run -b bundle calc
EOT
