"""Where a project's layouts are, and how every output is written: below every other module
(standard library only), so the loader, the translations, the renderer, the build and the quick
no-change check all find and write files the same way without importing one another."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def layouts_of(root: Path) -> Path:
    """The layouts of the project in ``root``: ``<root>/layouts``, next to content/, holding the
    Jinja2 templates, their stylesheets, fonts and phrase catalogues (locale/), and the files of
    the web pages (site/) and of the call sheet (review/). Nothing is read from this package's own
    folder: a project restyles its documents by editing its copy. Absolute and without symbolic
    links (WeasyPrint's base URL and the fetcher's check need that; caches keyed by the folder
    share one entry per real folder). Whether it exists is for the caller to check
    (errors.existing_layouts)."""
    return (root / "layouts").resolve()


def leads_out(path: Path, folder: Path) -> bool:
    """Whether ``path`` (through a symbolic link, of its own or of a folder on the way) is a file
    outside ``folder``: content is read only from the project's own files."""
    try:
        return not path.resolve(strict=True).is_relative_to(folder.resolve(strict=True))
    except (OSError, RuntimeError):  # a broken or looping link
        return True


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
