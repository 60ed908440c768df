"""Settings read from the environment (``CORDON_...``), parsed one way everywhere they are read."""

from __future__ import annotations

import math
from collections.abc import Mapping


def env_number(environ: Mapping[str, str], name: str, default: float, kind: type) -> float:
    """The positive number (``kind``: int or float) that ``environ[name]`` holds, or ``default`` where it is
    unset or blank; a ValueError that names the variable and what it holds otherwise.

    >>> env_number({"CORDON_X": "4"}, "CORDON_X", 10, int), env_number({}, "CORDON_X", 10, int)
    (4, 10)
    """
    text = environ.get(name, "").strip()
    if not text:
        return default
    try:
        value = kind(text)
    except ValueError:
        raise ValueError(f"{name} must be a {'whole ' if kind is int else ''}number, got {text!r}") from None
    if not (math.isfinite(value) and value > 0):
        raise ValueError(f"{name} must be more than 0, got {text!r}")
    return value
