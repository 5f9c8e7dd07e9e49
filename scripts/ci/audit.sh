#!/usr/bin/env bash
# Fails CI on a known high or critical advisory in a production dependency (devDependencies never ship).
# Fix by upgrading, or with an npm "overrides" entry when the fixed version is only a transitive one.
#
# When the advisory service itself cannot be reached (npm prints "audit endpoint returned an error"; some
# registry mirrors answer its POST with 405), there is no advisory to act on: the step warns and passes, unless
# CI_AUDIT_REQUIRED=1 makes an unreachable service a failure too.
set -uo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/../.."

out=$(npm audit --omit=dev --audit-level=high 2>&1)
rc=$?
echo "$out"
if (( rc != 0 )) && grep -q 'audit endpoint returned an error' <<<"$out"; then
  if [[ "${CI_AUDIT_REQUIRED:-0}" == 1 ]]; then
    echo "npm audit: the advisory service could not be reached and CI_AUDIT_REQUIRED=1" >&2
    exit 1
  fi
  echo "WARNING: npm audit could not reach the advisory service; production dependencies were NOT checked" >&2
  exit 0
fi
exit "$rc"
