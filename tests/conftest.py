"""Shared fixtures: a small valid project to break in each test, the real project, and one build
of the real project that every test reading its PDFs shares."""

from __future__ import annotations

import fcntl
import os
import shutil
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LAYOUTS = ROOT / "layouts"
"""The repository's layouts: every project made by a test links to them (use_layouts)."""
EVERYTHING = os.environ.get("CHECK_ALL") == "1"
"""`make check-all`: the shared build makes every PDF of every edition; `make test` a sample."""
SITE = "https://www.example.org/services"
"""A stand-in for site_url, so that the shared build's wallet cards have their QR code."""
IN_EVERY_LANGUAGE = ("booklet", "booklet-imposed", "card")
"""`make test` builds these formats of every audience in every language (a wallet card is cheap,
and must fit in every language)."""
FOLDED_SAMPLE = {"en": None, "ar": ("asylum-centre",), "fa": ("asylum-centre", "workplace")}
"""... and leaflets and posters of these audiences (None: all) in these languages (left to right,
and both right-to-left scripts)."""

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
full_name: Listening line
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
lead:
  - service: helpline
    why: Free, and answers on weekday mornings.
"""


def use_layouts(root: Path) -> None:
    """Give the project in ``root`` the repository's layouts/ (a symbolic link: a project reads
    its layouts from its own folder; a test that changes them copies them instead)."""
    (root / "layouts").symlink_to(LAYOUTS, target_is_directory=True)


class Project:
    """A content tree in a temporary folder, with the repository's layouts (linked), and helpers
    to write and break files."""

    def __init__(self, root: Path):
        self.root = root
        if not (root / "layouts").exists():
            use_layouts(root)

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
    # no 'lead:' (a warning): the formats take their services in list order, or as ``setting`` lists them
    project.write("content/audiences/workers.yaml", "title: T\nsituations: [work]\n" + (f"{setting}: [{', '.join(ids)}]\n" if setting else ""))


PROJECT_TODAY = "2026-02-01"
"""The day the small project's tests run on (BOOKLET_TODAY): its services, checked on 2026-01-15,
are neither due nor stale, whatever the real date."""


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Project:
    monkeypatch.setenv("BOOKLET_TODAY", PROJECT_TODAY)
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


def _build_shipped(root: Path) -> None:
    from generator.base.request import available_cores
    from generator.cli import run

    shutil.copytree(ROOT / "content", root / "content")
    use_layouts(root)
    booklet = root / "content/booklet.yaml"
    booklet.write_text(booklet.read_text() + f"site_url: {SITE}\n")
    common = ["--root", str(root), "build", "-j", str(available_cores())]
    if EVERYTHING:
        runs = [[], ["--discreet"], ["--region", "brussels"]]
    else:
        folded = ["--format", "leaflet", "--format", "poster"]
        runs = [[arg for fmt in IN_EVERY_LANGUAGE for arg in ("--format", fmt)],
                *[[*folded, "--lang", lang, *(arg for a in audiences or () for arg in ("--audience", a))]
                  for lang, audiences in FOLDED_SAMPLE.items()],
                ["--discreet", "--audience", "workplace", "--lang", "en", "--lang", "fa", "--format", "booklet", "--format", "leaflet"]]
    for extra in runs:
        assert run([*common, *extra]) == 0, extra


@pytest.fixture(scope="session")
def shipped(tmp_path_factory) -> Path:
    """The output folder of one build of the shipped content (with SITE as site_url), made once per
    test run: every booklet, imposed booklet and wallet card; leaflets and posters of FOLDED_SAMPLE; the
    discreet booklet and leaflet of the workplace set in English and Farsi (`make check-all`: everything, and
    the discreet and Brussels editions in full). Under pytest-xdist the first worker to ask builds
    it and the others wait. Tests only read it; a test that writes uses its own tmp_path."""
    base = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        base = base.parent  # shared by the workers of this run
    root = base / "shipped"
    with (base / "shipped.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (root / "built").exists():
            shutil.rmtree(root, ignore_errors=True)
            _build_shipped(root)
            (root / "built").touch()
    return root / "output"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests that read the shared build run last. Under pytest-xdist (`make test`: worksteal), the
    worker given the second half starts the build at once while the other runs the tests that
    need no build, then takes its share of the readers."""
    items.sort(key=lambda item: "shipped" in getattr(item, "fixturenames", ()))


def built_pdfs(out: Path) -> list[Path]:
    """The PDFs of a build (output/site/ holds links to the same files for the web pages)."""
    return sorted(p for p in out.rglob("*.pdf") if p.relative_to(out).parts[0] != "site")
