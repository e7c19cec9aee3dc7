#!/usr/bin/env bash
# Measures start to first HTTPS 200 of an image's root (umoci-unpacked, run read-only as its user in namespaces of its own,
# as the tests run it) against the bare native file. Usage (root): build/measure-image-start.sh FILE IMAGE.tar REF [ROUNDS]
set -euo pipefail

file=$1 archive=$2 ref=$3 rounds=${4:-11}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir "$work/layout" "$work/certs"
tar -xf "$archive" -C "$work/layout"
umoci unpack --image "$work/layout:$ref" "$work/bundle" >/dev/null
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj /CN=localhost -days 1 \
  -keyout "$work/certs/key.pem" -out "$work/certs/cert.pem" 2>/dev/null
chown -R 65532:65532 "$work/certs"
port=18555

# Both ways poll the same way: curl over HTTP/2 every few milliseconds until the first 200.
first_200() {
  local start=$1
  until [ "$(curl -sk --http2 -o /dev/null -w '%{http_code}' "https://127.0.0.1:$port/healthz")" = 200 ]; do :; done
  echo $(( ($(date +%s%N) - start) / 1000000 ))
}

# The image's way: the same mounts and user as tests/AppHost.Server.Tests/Infrastructure/ImageContainer.cs.
container() {
  unshare --mount --pid --fork --propagation private sh -c '
    root=$1 certs=$2; shift 2
    mount --bind "$root" "$root"; mount -t proc proc "$root/proc"; mount --rbind /dev "$root/dev"
    mount -t tmpfs -o mode=755 tmpfs "$root/run"; mkdir "$root/run/certs"; mount --bind "$certs" "$root/run/certs"
    mount -o remount,bind,ro "$root"
    exec env -i "$(command -v chroot)" --userspec=65532:65532 "$root" "$@"' sh "$work/bundle/rootfs" "$work/certs" \
    /app/"$(basename "$file")" --cert /run/certs/cert.pem --key /run/certs/key.pem --host 127.0.0.1 --port $port >/dev/null 2>&1 &
}

bare() {
  "$file" --cert "$work/certs/cert.pem" --key "$work/certs/key.pem" --host 127.0.0.1 --port $port >/dev/null 2>&1 &
}

declare -a bare_ms container_ms
for _ in $(seq "$rounds"); do
  for way in bare container; do
    start=$(date +%s%N)
    $way
    pid=$!
    ms=$(first_200 "$start")
    # unshare's child is the app; the bare file is the app itself.
    kill -TERM "$(cat /proc/$pid/task/$pid/children 2>/dev/null || echo $pid)" 2>/dev/null || kill -TERM $pid
    wait $pid || true
    if [ $way = bare ]; then bare_ms+=("$ms"); else container_ms+=("$ms"); fi
  done
done

median() { printf '%s\n' "$@" | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
echo "bare file:  median $(median "${bare_ms[@]}") ms  (${bare_ms[*]})"
echo "image root: median $(median "${container_ms[@]}") ms  (${container_ms[*]})"
