"""Secrets a deployment gives in an environment variable, else made once and kept in `var/`.

`make run` needs no configuration, yet nothing it protects may be left open or keyed by a value
in the repository: so each secret (Rasa's API token, the dashboard's cookie key, the key of the
sender pseudonyms) comes from its variable when set, and otherwise from a file only the owner can
read, made the first time and reused after, so a restart keeps sessions and conversations.
"""
from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Callable, Mapping, Optional


class MissingSecret(LookupError):
    """Neither the variable nor the file holds the secret, and it must not be made anew."""


def env_or_file_secret(
    env_name: str, path: Path, make: Optional[Callable[[], str]],
    environ: Mapping[str, str] = os.environ,
) -> str:
    """The secret from `env_name`, else from `path`, else a new one from `make()` saved there.

    `make=None` is for readers that must find an existing secret (a new random key would
    silently match nothing). Several processes starting at once agree on one secret: each
    writes its own file and links it into place, and only the first link succeeds.
    """
    value = environ.get(env_name, "").strip()
    if value:
        return value
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        if make is None:
            raise MissingSecret(f"set {env_name}, or run where {path} exists") from None
    path.parent.mkdir(parents=True, exist_ok=True)
    value = make()
    fd, draft = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")  # mode 0600
    try:
        with os.fdopen(fd, "w") as handle:
            handle.write(value + "\n")
        os.link(draft, path)
    except FileExistsError:
        return path.read_text().strip()
    finally:
        os.unlink(draft)
    return value
