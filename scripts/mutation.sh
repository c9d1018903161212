#!/usr/bin/env bash
# Mutation testing. Slow on two cores, so not part of .ci/run.
#
#   scripts/mutation.sh [detective-mutate flags]   targeted mutants of the important rules
#                                                  (quota, page tokens, internal errors,
#                                                  authorization, PostgreSQL locks), each
#                                                  against the tests that claim the rule
#   scripts/mutation.sh gremlins [package...]      operator mutants (comparisons, arithmetic)
#                                                  by gremlins, judged by each package's own
#                                                  tests (default: internal/detective and
#                                                  the stores)
#
# Set DETECTIVE_TEST_POSTGRES to judge the PostgreSQL mutants too.
set -euo pipefail
cd "$(dirname "$0")/.."

# Pinned: the version checked to work with this module's Go.
gremlins=github.com/go-gremlins/gremlins/cmd/gremlins@v0.6.0

if [[ "${1:-}" == gremlins ]]; then
  shift
  (($#)) || set -- ./internal/detective ./internal/sqlite ./internal/postgres
  status=0
  for pkg in "$@"; do
    echo "== gremlins on $pkg"
    go run "$gremlins" unleash --workers 1 --timeout-coefficient 30 "$pkg" || status=1
  done
  exit "$status"
fi
exec go run ./cmd/detective-mutate "$@"
