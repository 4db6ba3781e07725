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
