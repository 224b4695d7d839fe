#!/usr/bin/env bash
# The whole flow, HTTP extraction included, on the bundled sample feed (served on
# 127.0.0.1), into its own warehouse under data/demo/.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/bootstrap.sh"
readouts demo --fresh "$@"
