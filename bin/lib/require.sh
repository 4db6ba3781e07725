# Checks for the tools the project's scripts need, with an actionable message when one is missing.

require_java17() {
  if ! command -v java >/dev/null 2>&1; then
    echo "error: java not found. Install a JDK 17 (e.g. 'apt-get install openjdk-17-jdk-headless')." >&2
    exit 2
  fi
  local version
  version=$(java -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ {print $2}')
  if [ "${version%%.*}" -lt 17 ] 2>/dev/null; then
    echo "error: Java $version found, the project needs 17 or newer (set JAVA_HOME or PATH to a JDK 17)." >&2
    exit 2
  fi
}

require_maven() {
  if ! command -v mvn >/dev/null 2>&1; then
    echo "error: mvn not found. Install Apache Maven 3.8+ (e.g. 'apt-get install maven')." >&2
    exit 2
  fi
}

require_node() {
  if ! command -v npm >/dev/null 2>&1 || ! command -v node >/dev/null 2>&1; then
    echo "error: node/npm not found. Install Node.js with npm (e.g. 'apt-get install nodejs npm'); the emulators' own Node 22 then comes from npm." >&2
    exit 2
  fi
}

require_python() {
  if ! command -v python3 >/dev/null 2>&1 || ! python3 -c 'import sys; sys.exit(0 if sys.version_info >= (3, 10) else 1)' 2>/dev/null; then
    echo "error: Python 3.10+ not found as python3. Install it (e.g. 'apt-get install python3 python3-venv'); moto, the local DynamoDB, is then installed into local-aws/.venv." >&2
    exit 2
  fi
  if ! python3 -c 'import venv, ensurepip' 2>/dev/null; then
    echo "error: python3 cannot create virtualenvs. Install its venv module (e.g. 'apt-get install python3-venv')." >&2
    exit 2
  fi
}

# The image build: root and debootstrap (with chroot) to assemble the local Debian base image (cached in
# .image-cache/). The image test (ImageIT) runs it in Docker: require_docker.
require_image_tools() {
  if [ "$(id -u)" != 0 ]; then
    echo "error: the image build assembles its Debian base with debootstrap, which needs root: run bin/test as root, or leave the image out: bin/test '-P!image'" >&2
    exit 2
  fi
  if ! command -v debootstrap >/dev/null 2>&1; then
    echo "installing debootstrap (Debian package) for the image's local base..."
    (apt-get install -y -qq debootstrap >/dev/null 2>&1 || { apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq debootstrap >/dev/null; }) \
      || { echo "error: could not install debootstrap with apt-get: install it, or leave the image out: bin/test '-P!image'" >&2; exit 2; }
  fi
  for tool in debootstrap chroot tar; do
    if ! command -v "$tool" >/dev/null 2>&1; then
      echo "error: $tool not found: install it (e.g. 'apt-get install debootstrap') for the image build, or leave the image out: bin/test '-P!image'" >&2
      exit 2
    fi
  done
}

# The Docker engine the container tests (ImageIT) run the worker's image in. An engine that answers is used as it
# is: $DOCKER_HOST if set (it must answer), else the default socket. Otherwise, as root: installs Debian's
# docker.io (dockerd 20.10) when dockerd is missing and starts `dockerd --storage-driver=vfs` in the background
# on its default socket (/var/run/docker.sock), logging to .local-docker/dockerd.log; it keeps running after the
# tests and the next run reuses it (its pid file and socket), never starting a second one. Nothing is pulled:
# the tests load the images built here.
require_docker() {
  if [ -n "${DOCKER_HOST:-}" ]; then
    command -v docker >/dev/null 2>&1 || { echo "error: DOCKER_HOST=$DOCKER_HOST is set but the docker CLI is not installed (e.g. 'apt-get install docker.io')" >&2; exit 2; }
    docker info >/dev/null 2>&1 || { echo "error: DOCKER_HOST=$DOCKER_HOST is set but 'docker info' gets no answer from it: start that engine, or unset DOCKER_HOST to let bin/test start a local one" >&2; exit 2; }
    echo "using the Docker engine at DOCKER_HOST=$DOCKER_HOST"
    return
  fi
  if command -v docker >/dev/null 2>&1 && docker info >/dev/null 2>&1; then
    return
  fi
  if [ "$(id -u)" != 0 ]; then
    echo "error: no Docker engine answers (docker info) and starting one needs root: run bin/test as root, set DOCKER_HOST to an engine, or leave the image out: bin/test '-P!image'" >&2
    exit 2
  fi
  if ! command -v dockerd >/dev/null 2>&1 || ! command -v docker >/dev/null 2>&1; then
    echo "installing the Docker engine (Debian package docker.io)..."
    (apt-get install -y -qq docker.io >/dev/null 2>&1 || { apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq docker.io >/dev/null; }) \
      || { echo "error: could not install docker.io with apt-get: install a Docker engine or set DOCKER_HOST, or leave the image out: bin/test '-P!image'" >&2; exit 2; }
  fi
  local dir=.local-docker
  mkdir -p "$dir"
  (
    # one starter at a time (two bin/test runs at once); a dockerd already running is waited for, not doubled
    flock 9
    local pid
    pid=$(cat /var/run/docker.pid 2>/dev/null || true)
    if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
      echo "waiting for the running dockerd (pid $pid)..."
    else
      echo "starting dockerd --storage-driver=vfs (log: $dir/dockerd.log; it keeps running for the next run)..."
      setsid nohup dockerd --storage-driver=vfs >>"$dir/dockerd.log" 2>&1 </dev/null &
    fi
    local waited=0
    until docker info >/dev/null 2>&1; do
      if [ "$waited" -ge 60 ]; then
        tail -15 "$dir/dockerd.log" >&2
        echo "error: dockerd did not answer 'docker info' within 60 s (log above, all of it in $dir/dockerd.log); or set DOCKER_HOST, or leave the image out: bin/test '-P!image'" >&2
        exit 2
      fi
      sleep 1
      waited=$((waited + 1))
    done
  ) 9>"$dir/.lock" || exit 2
}

# Installs moto (the local DynamoDB + Streams) into local-aws/.venv from the hash-pinned requirements when needed.
install_python_services() {
  python3 local-aws/ensure_venv.py >/dev/null
}

# Installs the npm emulators (SES, SNS/SQS) from the committed lock file when needed.
install_node_services() {
  local dir=local-aws
  if [ ! -x "$dir/node_modules/.bin/node" ] || [ "$dir/package-lock.json" -nt "$dir/node_modules/.package-lock.json" ]; then
    echo "installing the local SES and SNS/SQS emulators (npm ci in $dir)..."
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
  fi
}
