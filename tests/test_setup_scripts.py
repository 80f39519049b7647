"""Set-up refuses what cannot work, with a message that says how to fix it."""
from __future__ import annotations

import os
import subprocess
import sys

from tests.conftest import ROOT

FIND_PYTHON = ROOT / "scripts" / "find-python.sh"


def find_python(**env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["bash", str(FIND_PYTHON)], env={**os.environ, **env}, capture_output=True, text=True
    )


def test_finds_a_python_310():
    result = find_python()
    assert result.returncode == 0
    version = subprocess.run(
        [result.stdout.strip(), "-c", "import sys; print(sys.version_info[:2])"],
        capture_output=True, text=True,
    )
    assert version.stdout.strip() == "(3, 10)"


def test_explicit_wrong_python_is_refused_clearly(tmp_path):
    fake = tmp_path / "python3"
    fake.write_text("#!/bin/sh\nexit 1\n")
    fake.chmod(0o755)
    result = find_python(PYTHON=str(fake))
    assert result.returncode == 1
    assert "not a Python 3.10" in result.stderr


def test_no_python_310_anywhere_explains_how_to_get_one(tmp_path):
    result = subprocess.run(
        ["/bin/bash", str(FIND_PYTHON)],
        env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "PYENV_ROOT": str(tmp_path)},
        capture_output=True, text=True,
    )
    if result.returncode == 0:  # this machine has a system-wide python3.10 on /usr/bin
        assert "3.10" in subprocess.run([result.stdout.strip(), "--version"],
                                        capture_output=True, text=True).stdout
        return
    assert "Rasa Open Source 3.6 runs on Python 3.8-3.10" in result.stderr
    assert "pyenv install 3.10" in result.stderr
