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

# Installs moto (the local DynamoDB + Streams) into local-aws/.venv from the hash-pinned requirements when needed.
# The image build and test (ImageIT): root for debootstrap, chroot, mount and mknod; debootstrap to assemble the
# local Debian base image (cached in .image-cache/).
require_image_tools() {
  if [ "$(id -u)" != 0 ]; then
    echo "error: the image test builds a Debian base with debootstrap and runs the image with chroot: run bin/test as root, or leave the image out: bin/test '-P!image'" >&2
    exit 2
  fi
  if ! command -v debootstrap >/dev/null 2>&1; then
    echo "installing debootstrap (Debian package) for the image's local base..."
    (apt-get install -y -qq debootstrap >/dev/null 2>&1 || { apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq debootstrap >/dev/null; }) \
      || { echo "error: could not install debootstrap with apt-get: install it, or leave the image out: bin/test '-P!image'" >&2; exit 2; }
  fi
  for tool in debootstrap chroot mount mknod tar; do
    if ! command -v "$tool" >/dev/null 2>&1; then
      echo "error: $tool not found: install it (e.g. 'apt-get install debootstrap') for the image build, or leave the image out: bin/test '-P!image'" >&2
      exit 2
    fi
  done
}

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
