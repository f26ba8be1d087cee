#!/usr/bin/env bash
# Builds the Containerfile's runtime image without a registry and runs it the way Kubernetes would.
#
#   deploy/container/scratch-smoke.sh PUBLISH_DIR    # PUBLISH_DIR: dotnet publish src/KestrelEcho -c Release -o PUBLISH_DIR
#
# No base image is pulled: the Native AOT binary, SQLite's libe_sqlite3.so beside it, appsettings.json, the shared
# libraries ldd lists, OpenSSL and the dynamic loader go into an empty image, configured with the Containerfile's own WORKDIR,
# USER, EXPOSE and ENTRYPOINT. It then runs with a read-only root filesystem, no capabilities and no new privileges,
# on loopback ports podman picks, with a tmpfs owned by USER on each VOLUME (the connection history's folder); the
# script echoes through it, checks /health/ready, that the history is healthy and wrote the echo's close, stops it
# with SIGTERM and expects exit code 0.
# Needs buildah, podman and runc (crun refuses hosts with cgroup v1 and v2 controllers mixed). Every wait is bounded.
set -Eeuo pipefail
trap 'echo "scratch-smoke.sh failed at line $LINENO: $BASH_COMMAND" >&2' ERR

publish=$(realpath "${1:?usage: $0 PUBLISH_DIR}")
containerfile="$(dirname "$0")/Containerfile"
# The runtime stage: the instructions after the last FROM.
runtime=$(awk '/^FROM /{stage=""} {stage=stage $0 "\n"} END{printf "%s", stage}' "$containerfile")
instruction() { sed -n "s/^$1 //p" <<<"$runtime"; }
workdir=$(instruction WORKDIR)
user=$(instruction USER)
entrypoint=$(instruction ENTRYPOINT)
ports=$(instruction EXPOSE)
volumes=$(instruction VOLUME)

tag="localhost/kestrel-echo-smoke:$$"
name="kestrel-echo-smoke-$$"
builder=$(timeout 60 buildah from scratch)
cleanup() {
  timeout 60 podman rm -f "$name" >/dev/null 2>&1 || true
  timeout 60 buildah rm "$builder" >/dev/null 2>&1 || true
  timeout 60 podman rmi -f "$tag" >/dev/null 2>&1 || true
}
trap cleanup EXIT

timeout 60 buildah copy "$builder" "$publish/KestrelEcho" "$publish/libe_sqlite3.so" "$publish/appsettings.json" "$workdir/" >/dev/null
# .NET loads OpenSSL with dlopen (hashing, TLS, the WebSocket handshake), so ldd does not list it; the runtime-deps
# base image ships it, and so must this one.
openssl=$(ldconfig -p | grep -oE '/\S+/lib(ssl|crypto)\.so\.3$' | sort -u)
[[ -n "$openssl" ]] || { echo "OpenSSL 3 (libssl3) is not installed on this machine"; exit 1; }
# shellcheck disable=SC2086 # one path per word
for library in $openssl $(ldd "$publish/KestrelEcho" "$publish/libe_sqlite3.so" $openssl | grep -oE '^\s+\S+ => /[^ ]+|^\s+/[^ ]+' | grep -oE '/[^ ]+' | sort -u); do
  timeout 60 buildah copy "$builder" "$(readlink -f "$library")" "$library" >/dev/null
done
config=(--workingdir "$workdir" --user "$user" --entrypoint "$entrypoint")
for port in $ports; do config+=(--port "$port"); done
for volume in $volumes; do config+=(--volume "$volume"); done
timeout 60 buildah config "${config[@]}" "$builder"
timeout 120 buildah commit -q "$builder" "$tag" >/dev/null
echo "image $tag: $(timeout 60 podman image inspect "$tag" --format '{{.Size}}') bytes, user $user, ports $ports, entrypoint $entrypoint"

# CI runs the image read-only: the history's volume is the one writable place, a tmpfs the service's user owns.
writable=()
for volume in $volumes; do writable+=(--mount "type=tmpfs,destination=$volume,tmpfs-size=64m,tmpfs-mode=0700,U=true"); done
timeout 60 podman run --runtime runc -d --name "$name" --read-only --cap-drop ALL --security-opt no-new-privileges \
  --ulimit "nofile=$(ulimit -Hn):$(ulimit -Hn)" --ulimit nproc=4096:4096 "${writable[@]}" \
  -p 127.0.0.1::9999 -p 127.0.0.1::8080 "$tag" >/dev/null
echo_address=$(timeout 60 podman port "$name" 9999)
http_address=$(timeout 60 podman port "$name" 8080)

ready=""
for _ in $(seq 1 100); do
  if curl -sf "http://$http_address/health/ready" >/dev/null; then ready=yes; break; fi
  sleep 0.2
done
[[ -n "$ready" ]] || { timeout 60 podman logs "$name"; echo "the container did not become ready"; exit 1; }

reply=$(echo "Hola mundo" | timeout 10 nc -N "${echo_address%:*}" "${echo_address##*:}")
[[ "$reply" == "Hola mundo" ]] || { echo "echo through the container answered '$reply'"; exit 1; }
# The close reaches the history file (SQLite loaded from beside the binary, the volume writable): /health says so.
history=""
for _ in $(seq 1 50); do
  metrics=$(curl -sf "http://$http_address/metrics")
  if grep -q '^kestrel_echo_history_records_written_total{[^}]*} 1$' <<<"$metrics"; then history=yes; break; fi
  sleep 0.2
done
health=$(curl -s "http://$http_address/health")
[[ -n "$history" && "$health" == *'"name":"history","status":"Healthy"'* ]] || {
  timeout 60 podman logs "$name"; echo "the connection history is not written: $health"; exit 1; }
uid=$(timeout 60 podman top "$name" huser | tail -1)
[[ "$uid" == "$user" ]] || { echo "the service runs as '$uid', not $user"; exit 1; }

timeout 60 podman stop -t 30 "$name" >/dev/null
exit_code=$(timeout 60 podman inspect "$name" --format '{{.State.ExitCode}}')
timeout 60 podman logs "$name"
((exit_code == 0)) || { echo "the container exited $exit_code after SIGTERM"; exit 1; }
echo "container smoke: read-only root, no capabilities, uid $user, echo, history in $volumes, readiness and SIGTERM exit 0: ok"
