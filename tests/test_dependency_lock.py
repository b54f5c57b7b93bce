"""The lock is what `make install` installs: complete, pinned, hashed and in step with pyproject."""

from __future__ import annotations

import importlib.util
import re
import tomllib
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
LOCK = ROOT / "requirements-lock.txt"
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s\\;]+)")


def locked() -> dict[str, tuple[str, list[str]]]:
    """Each locked package's canonical name -> (version, hashes)."""
    entries: dict[str, tuple[str, list[str]]] = {}
    current = ""
    for line in LOCK.read_text(encoding="utf-8").splitlines():
        if match := PIN.match(line):
            current = canonicalize_name(match[1])
            entries[current] = (match[2], [])
        elif "--hash=sha256:" in line and current:
            entries[current][1].append(line.split("sha256:", 1)[1].strip(" \\"))
    return entries


def declared() -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return [
        Requirement(text)
        for text in project["dependencies"] + project["optional-dependencies"]["dev"]
    ]


def test_every_dependency_in_pyproject_is_locked_within_its_range():
    lock = locked()
    missing = [str(r) for r in declared() if canonicalize_name(r.name) not in lock]
    assert not missing, f"not in the lock, run `make lock`: {missing}"
    outside = [
        f"{r} (locked {lock[canonicalize_name(r.name)][0]})"
        for r in declared()
        if not r.specifier.contains(lock[canonicalize_name(r.name)][0], prereleases=True)
    ]
    assert not outside, f"locked outside pyproject's range, run `make lock`: {outside}"


def test_every_locked_package_is_pinned_and_hashed():
    lock = locked()
    assert len(lock) > 50
    unhashed = [name for name, (_, hashes) in lock.items() if not hashes]
    assert not unhashed
    assert all(re.fullmatch(r"[0-9a-f]{64}", h) for _, hashes in lock.values() for h in hashes)


def test_the_environment_holds_exactly_the_locked_versions():
    def installed(name: str) -> str | None:
        try:
            return version(name)
        except PackageNotFoundError:
            return None

    differ = {
        name: (pinned, installed(name))
        for name, (pinned, _) in locked().items()
        if installed(name) != pinned
    }
    assert not differ, f"(locked, installed) differ, run `make install`: {differ}"


def load_lock_script():
    spec = importlib.util.spec_from_file_location("lock_script", ROOT / "scripts" / "lock.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_make_lock_resolves_from_the_indexes_pip_is_configured_with():
    script = load_lock_script()
    listing = "\n".join(
        [
            ":env:.find-links='/opt/wheels'",
            "global.extra-index-url='file:///mirror/simple file:///more/simple'",
            "global.index-url='https://files.example/simple'",
            ":env:.index-url='https://proxy.example/simple'",
            "global.constraint='/etc/caps.txt'",
            "global.cert='/etc/ca.crt'",
            "user.timeout='60'",
        ]
    )
    settings = script.pip_settings(listing)
    assert settings["cert"] == "/etc/ca.crt"
    assert script.uv_arguments(settings) == [
        "--default-index",
        "https://proxy.example/simple",  # PIP_INDEX_URL beats the config file, as in pip
        "--index",
        "file:///mirror/simple",
        "--index",
        "file:///more/simple",
        "--find-links",
        "/opt/wheels",
        "--constraint",
        "/etc/caps.txt",
        "--index-strategy",
        "unsafe-best-match",
    ]
    assert script.uv_arguments(script.pip_settings("")) == []
