#!/usr/bin/env bash
# The attack battery at the issue's full scale (tests/KestrelEcho.Deploy.Tests/Attacks): 12,000 silent connections
# to the TLS port and to the echo port with PROXY protocol required, 20,000 connections from one IPv6 /64, 2,000 slow
# readers, 50,000 refused connects, a stuck /metrics reader next to 16 concurrent scrapes, and garbage on every port,
# each next to a canary that verifies every echoed byte. Each runs the real service in a network namespace of its
# own (so root, and iproute2, which ./test.sh installs); nothing leaves loopback. About 5 minutes on 2 cores.
# ./test.sh runs the same class at a tenth of the scale. The table goes to TestResults/attacks.md and is printed.
set -Eeuo pipefail
trap 'echo "attacks.sh failed at line $LINENO: $BASH_COMMAND" >&2' ERR
cd "$(dirname "$0")/.."

status=0
KESTREL_ECHO_ATTACK_SCALE=full ./test.sh --filter 'FullyQualifiedName~KestrelEcho.Deploy.Tests.Attacks' || status=$?
echo
cat TestResults/attacks.md
exit "$status"
