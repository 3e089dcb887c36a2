"""The `booklet` command: thin, it parses flags, calls the layers below and prints what they
return (nothing below the command line prints). One module per group of commands; importing
them registers them on the group (app.main).

Exit codes: 0 success, 1 content or build errors, 2 usage errors (click's own).
"""

from generator.cli import build, check, editor, translations  # noqa: F401 - each registers its commands
from generator.cli.app import main, run

__all__ = ["main", "run"]
