"""The whole check of a project, as `booklet check` and every build run it: the content validated
(generator/content/validate.py: each file against the schema, and across files), then the translation
files checked against that content (generator/i18n/checks.py). Above both layers: validate knows
nothing of the translations, which read the content it checked."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from generator.content.catalogue import Catalogue
from generator.content.validate import load_catalogue
from generator.i18n.checks import centre_translation_problems, translation_file_problems


def load_checked(root: Path, today: date | None = None) -> Catalogue:
    """Read and check all of content/ under ``root`` and its translations; problems are
    collected (sorted, errors with warnings), never raised."""
    cat = load_catalogue(root, today)
    booklet = ("booklet", "booklet")
    if booklet not in cat.damaged or (booklet in cat.salvaged and "languages" not in cat.dropped(*booklet)):  # languages known
        shadow = cat.with_salvaged()  # the damaged files' translations are checked all the same
        cat.problems.extend(translation_file_problems(shadow))
        cat.problems.extend(centre_translation_problems(shadow))
        cat.problems.sort()
    return cat
