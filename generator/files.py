"""Where the project's own files are, and how every output is written: below every other module
(standard library only), so the loader, the translations, the renderer, the build and the quick
no-change check all write the same safe way without importing one another."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

LAYOUTS = Path(__file__).resolve().parent.parent / "layouts"
"""The Jinja2 layouts, their stylesheets, fonts and phrase catalogues."""


def write_atomic(path: Path, data: bytes) -> None:
    """Write to a temporary file in the same folder, flush it to disk, then rename: readers never
    see half a file, and a crash never leaves one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.chmod(tmp, 0o666 & ~_umask())
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
