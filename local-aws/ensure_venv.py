"""Creates (or refreshes) local-aws/.venv (named so that `python -m venv` run from this folder still finds
the standard library's venv module, not this file) from local-aws/requirements.txt, hash-checked.

Idempotent and safe to run concurrently: does nothing when the venv was built from the current
requirements.txt (its SHA-256 is kept in .venv/requirements.sha256). Used by bin/ scripts and by the
Java launcher (dev.shopstream.local.aws.PythonServices). Prints the venv's python path on success.
"""

import fcntl
import hashlib
import os
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
VENV = os.path.join(HERE, ".venv")
REQUIREMENTS = os.path.join(HERE, "requirements.txt")
STAMP = os.path.join(VENV, "requirements.sha256")
PYTHON = os.path.join(VENV, "bin", "python")


def digest():
    with open(REQUIREMENTS, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def up_to_date(wanted):
    try:
        with open(STAMP) as f:
            return f.read().strip() == wanted and os.access(PYTHON, os.X_OK)
    except OSError:
        return False


def main():
    if sys.version_info < (3, 10):
        print(f"error: Python {sys.version.split()[0]} found, local-aws needs Python 3.10 or newer", file=sys.stderr)
        return 2
    wanted = digest()
    with open(os.path.join(HERE, ".venv.lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not up_to_date(wanted):
            print(f"installing moto into {VENV} (pip install --require-hashes)...", file=sys.stderr)
            shutil.rmtree(VENV, ignore_errors=True)
            subprocess.run([sys.executable, "-m", "venv", VENV], check=True)
            subprocess.run([PYTHON, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                            "--require-hashes", "--no-deps", "-r", REQUIREMENTS], check=True)
            with open(STAMP, "w") as f:
                f.write(wanted + "\n")
    print(PYTHON)
    return 0


if __name__ == "__main__":
    sys.exit(main())
