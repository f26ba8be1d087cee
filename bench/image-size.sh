#!/usr/bin/env bash
# The size of the container image deploy/container/Containerfile makes, without pulling its base image:
#
#   bash bench/image-size.sh PUBLISH_DIR    # key=value lines on stdout
#
# The runtime image is mcr.microsoft.com/dotnet/runtime-deps:10.0-noble-chiseled plus three files from PUBLISH_DIR
# (the Native AOT binary, SQLite's libe_sqlite3.so, appsettings.json). That base holds the chisel slices libc6_libs,
# libgcc-s1_libs, libssl3t64_libs, libstdc++6_libs, ca-certificates_data and base-files (its Dockerfile in
# dotnet/dotnet-docker); base_estimate_bytes adds up this machine's copies of the same libraries and certificates
# (Debian's builds, not Ubuntu noble's: close, not equal). image_estimate_bytes is that plus our files, uncompressed
# as `podman images` shows it; image_estimate_gzip_bytes is the same files tarred and gzipped, as a registry stores
# them. With buildah and podman present, scratch_image_bytes is podman's size of the image that
# deploy/container/scratch-smoke.sh builds (our files, the libraries ldd lists, OpenSSL and the loader, no
# certificates and no libstdc++ unless ldd lists it).
set -euo pipefail

publish=$(realpath "${1:?usage: $0 PUBLISH_DIR}")
app=("$publish/KestrelEcho" "$publish/libe_sqlite3.so" "$publish/appsettings.json")
bytes() { stat -L -c %s "$@" | awk '{ s += $1 } END { print s + 0 }'; }

echo "aot_binary_bytes=$(bytes "$publish/KestrelEcho")"
echo "sqlite_lib_bytes=$(bytes "$publish/libe_sqlite3.so")"
app_bytes=$(bytes "${app[@]}")
echo "app_bytes=$app_bytes"

# The base's files as this machine has them: the shared objects of the four library packages (not their gconv or
# other plug-in folders) and the certificates. The package names differ by release (libssl3 / libssl3t64).
base=()
for package in libc6 libgcc-s1 libssl3 libssl3t64 libstdc++6; do
    dpkg -L "$package" 2>/dev/null | grep -E '^/(usr/)?lib/x86_64-linux-gnu/[^/]+\.so[.0-9]*$|^/(usr/)?lib64/ld-linux' || true
done | xargs -r readlink -f | sort -u >"${TMPDIR:-/tmp}/image-size.$$"  # a library once, not once a link
while read -r file; do [[ -f $file ]] && base+=("$file"); done <"${TMPDIR:-/tmp}/image-size.$$"
rm -f "${TMPDIR:-/tmp}/image-size.$$"
certificates=$(find /usr/share/ca-certificates -name '*.crt' 2>/dev/null || true)
# shellcheck disable=SC2206 # one path per word
base+=($certificates)
base_bytes=$(bytes "${base[@]}")
echo "base_estimate_files=${#base[@]}"
echo "base_estimate_bytes=$base_bytes"
echo "image_estimate_bytes=$(( app_bytes + base_bytes ))"
echo "image_estimate_gzip_bytes=$(tar -cf - --dereference "${app[@]}" "${base[@]}" 2>/dev/null | gzip -6 | wc -c)"

if command -v buildah >/dev/null && command -v podman >/dev/null; then
    tag="localhost/kestrel-echo-size:$$"
    builder=$(timeout 60 buildah from scratch 2>/dev/null) || exit 0
    cleanup() {
        timeout 60 buildah rm "$builder" >/dev/null 2>&1 || true
        timeout 60 podman rmi -f "$tag" >/dev/null 2>&1 || true
    }
    trap cleanup EXIT
    timeout 60 buildah copy "$builder" "${app[@]}" /app/ >/dev/null
    openssl=$(ldconfig -p | grep -oE '/\S+/lib(ssl|crypto)\.so\.3$' | sort -u)
    # shellcheck disable=SC2086 # one path per word
    for library in $openssl $(ldd "${app[@]:0:2}" $openssl | grep -oE '^\s+\S+ => /[^ ]+|^\s+/[^ ]+' | grep -oE '/[^ ]+' | sort -u); do
        timeout 60 buildah copy "$builder" "$(readlink -f "$library")" "$library" >/dev/null
    done
    timeout 120 buildah commit -q "$builder" "$tag" >/dev/null
    echo "scratch_image_bytes=$(timeout 60 podman image inspect "$tag" --format '{{.Size}}')"
fi
