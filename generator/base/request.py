"""What a build was asked to make, as one frozen value: the command line fills it, the build reads
it, and its key names the request in the no-change fast path (quick.py). Standard library only."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, fields
from pathlib import Path

DEFAULT_CMYK_PROFILE = Path("/usr/share/color/icc/ghostscript/default_cmyk.icc")  # Debian's libgs-common


@dataclass(frozen=True)
class BuildRequest:
    """The options of one build. Those that choose what is made form the ``key``; ``jobs``,
    ``force`` and ``changed_since`` only say how (and are left out of it)."""

    audiences: tuple[str, ...] = ()
    """Empty: every audience (or the centre's)."""
    langs: tuple[str, ...] = ()
    """Empty: every enabled language (or the centre's)."""
    formats: tuple[str, ...] = ()
    """Empty: every format (with --print-shop, those a print shop is given)."""
    region: str | None = None
    discreet: bool = False
    centre: str | None = None
    print_shop: bool = False
    cmyk_profile: Path | None = None
    """Implies print_shop."""
    strict: bool = False
    shard: str | None = None
    site_url: str | None = None
    """Where output/site/ is published (overrides site_url: in content/booklet.yaml)."""
    jobs: int = 1
    force: bool = False
    changed_since: str | None = None

    HOW = ("jobs", "force", "changed_since")

    def __post_init__(self) -> None:
        for name in ("audiences", "langs", "formats"):  # a list given by a caller becomes a tuple
            object.__setattr__(self, name, tuple(getattr(self, name) or ()))
        if self.cmyk_profile is not None:
            object.__setattr__(self, "print_shop", True)

    @property
    def key(self) -> str:
        """The options that choose what is made, in a stable form (order of repeated flags ignored)."""
        what = {f.name: getattr(self, f.name) for f in fields(self) if f.name not in self.HOW}
        return json.dumps({k: sorted(v) if isinstance(v, tuple) else v for k, v in what.items()},
                          default=str, sort_keys=True)

    @property
    def profile(self) -> Path | None:
        """The CMYK output intent of a print-shop build (None otherwise)."""
        return (self.cmyk_profile or DEFAULT_CMYK_PROFILE) if self.print_shop else None


EVERYTHING = BuildRequest()
"""Every audience, language and format."""


def available_cores() -> int:
    """The cores this process may run on (the default number of rendering processes)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1
