"""Write requirements-lock.txt: every package of the runtime and dev extras, pinned and hashed.

``make install`` installs the lock with pip in hash-checking mode, so a fresh install tomorrow
gets the versions tested today. The lock targets what CI runs: CPython 3.11 on Linux x86_64.

uv resolves, but uv ignores pip's configuration; pip installs the lock, and pip does read it.
So this script hands uv the indexes, find-links, constraints and CA bundle that pip is
configured with (``pip config list``, where PIP_* variables win over the files, as in pip).
Without this, a machine whose pip reads a mirror would lock versions the mirror lacks.

uv keeps every pin already in the lock that pyproject.toml still allows: a new dependency is
added at its newest version and nothing else moves. ``--upgrade`` (``make lock UPGRADE=1``)
moves every package to the newest version the ranges in pyproject.toml allow.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOCK = "requirements-lock.txt"
TARGET = ["--python-version", "3.11", "--python-platform", "x86_64-unknown-linux-gnu"]


def pip_settings(listing: str) -> dict[str, str]:
    """Pip's effective settings from ``pip config list``: a PIP_* variable beats the files."""
    from_files: dict[str, str] = {}
    from_env: dict[str, str] = {}
    for line in listing.splitlines():
        key, sep, value = line.partition("=")
        if not sep:
            continue
        section, _, name = key.rpartition(".")
        if section not in {":env:", "global", "install"}:
            continue
        target = from_env if section == ":env:" else from_files
        target[name] = value.strip().strip("'\"")
    return from_files | from_env


def uv_arguments(settings: dict[str, str]) -> list[str]:
    """The uv options that make uv look where pip looks."""
    arguments: list[str] = []
    if "index-url" in settings:
        arguments += ["--default-index", settings["index-url"]]
    for url in settings.get("extra-index-url", "").split():
        arguments += ["--index", url]
    for location in settings.get("find-links", "").split():
        arguments += ["--find-links", location]
    for constraint in settings.get("constraint", "").split():
        arguments += ["--constraint", constraint]
    if arguments:
        # pip weighs every index alike and takes the best version; uv's default would stop
        # at the first index that knows the name.
        arguments += ["--index-strategy", "unsafe-best-match"]
    return arguments


def main(argv: list[str]) -> int:
    bin_dir = Path(sys.executable).parent
    listing = subprocess.run(
        [str(bin_dir / "pip"), "config", "list"], capture_output=True, text=True, check=True
    ).stdout
    settings = pip_settings(listing)
    environment = dict(os.environ)
    if "cert" in settings:
        environment.setdefault("SSL_CERT_FILE", settings["cert"])
    command = [
        str(bin_dir / "uv"),
        "pip",
        "compile",
        "pyproject.toml",
        "--extra",
        "dev",
        *TARGET,
        "--generate-hashes",
        "--quiet",
        "--custom-compile-command",
        "make lock",
        *uv_arguments(settings),
        *argv,
        "--output-file",
        LOCK,
    ]
    print(shlex.join(command), flush=True)
    return subprocess.call(command, cwd=ROOT, env=environment)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
