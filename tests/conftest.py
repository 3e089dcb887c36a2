"""Shared fixtures: a small valid project to break in each test, and the real project."""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

SERVICE = """\
name: Helpline
summary: Listens and helps.
regions: [federal]
languages: [nl, fr]
phones:
  - number: 0800 12 800
    hours:
      - {days: mo-fr, from: "09:30", to: "13:00"}
emails:
  - info@example.be
links:
  - url: https://www.example.be/report
    kind: form
last_verified: 2026-01-15
"""

SITUATION = """\
title: Did this happen?
summary: Something happened.
steps:
  - Write it down.
services: [helpline]
"""

AUDIENCE = """\
title: Your rights
situations:
  - work
"""


class Project:
    """A content tree in a temporary folder, with helpers to write and break files."""

    def __init__(self, root: Path):
        self.root = root

    def write(self, rel: str, text: str | bytes) -> Path:
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(textwrap.dedent(text), encoding="utf-8")
        return path


def many_services(project: Project, ids: list[str], setting: str | None = None) -> None:
    """One service per id (all alike but their names), all in the situation 'work'; with
    ``setting``, the audience 'workers' lists them all under it (poster:, card:, leaflet:)."""
    for i, sid in enumerate(ids):
        project.write(f"content/services/{sid}.yaml", SERVICE.replace("name: Helpline", f"name: Line {i}"))
    project.write("content/situations/work.yaml", f"title: T\nservices: [{', '.join(ids)}]\n")
    if setting:
        project.write("content/audiences/workers.yaml", f"title: T\nsituations: [work]\n{setting}: [{', '.join(ids)}]\n")


@pytest.fixture
def project(tmp_path: Path) -> Project:
    p = Project(tmp_path)
    p.write("content/services/helpline.yaml", SERVICE)
    p.write("content/situations/work.yaml", SITUATION)
    p.write("content/audiences/workers.yaml", AUDIENCE)
    return p


@pytest.fixture
def real_copy(tmp_path: Path) -> Project:
    """A copy of the project's real content, to change without touching the repository."""
    shutil.copytree(ROOT / "content", tmp_path / "content")
    return Project(tmp_path)
