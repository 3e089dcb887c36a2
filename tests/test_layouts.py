"""Layouts come from the project folder (<root>/layouts), not from the installed package: a project
restyles and rewords its documents by editing its own copy, and a package installed without the
source tree (`pip install .`) builds from a project folder."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from generator.build.quick import code_fingerprint
from generator.cli import run
from generator.i18n.translator import ui_translations

from .conftest import LAYOUTS, ROOT, Project
from .pdfcheck import pdf_text


def own_layouts(project: Project) -> Path:
    """Replace the project's link to the repository's layouts with a copy of its own."""
    folder = project.root / "layouts"
    folder.unlink()
    shutil.copytree(LAYOUTS, folder)
    return folder


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    assert text.count(old) == 1, (path, old)
    path.write_text(text.replace(old, new), "utf-8")


def _text(pdf: Path) -> str:
    return " ".join(" ".join(pdf_text(pdf)).split())


def test_a_project_rewords_its_documents_in_its_own_layouts(project, capsys):
    """A word in a template and a phrase in a catalogue of the project's own layouts/ print in its
    PDFs; the repository's layouts are left as they are. Changing the project's layouts after a
    build makes the next build render again (the no-change check hashes the project's layouts)."""
    layouts = own_layouts(project)
    project.write("content/booklet.yaml", "languages: [en, fr]\nfallback: If nothing fits, call Unia.\n")
    common = ["--root", str(project.root), "build", "-j", "1", "--format", "booklet", "--lang", "en", "--lang", "fr"]
    assert run(common) == 0
    english, french = project.root / "output/en/workers-booklet.pdf", project.root / "output/fr/workers-booklet.pdf"
    assert "Who can help" in _text(english) and "Ce que vous pouvez faire" in _text(french)
    before = code_fingerprint(layouts)
    capsys.readouterr()

    _edit(layouts / "booklet.html.j2", '_("Who can help")', '_("Who can help in our town")')
    _edit(layouts / "locale/fr.po", 'msgstr "Ce que vous pouvez faire"', 'msgstr "Ce que vous pouvez faire chez nous"')
    assert code_fingerprint(layouts) != before
    assert run(common) == 0
    assert "built en/workers-booklet.pdf" in capsys.readouterr().err  # not "nothing changed"
    assert "Who can help in our town" in _text(english)
    assert "Ce que vous pouvez faire chez nous" in _text(french)
    # the package's own copy was not read, nor changed
    assert "in our town" not in (LAYOUTS / "booklet.html.j2").read_text("utf-8")
    assert ui_translations(LAYOUTS, "fr").gettext("What you can do") == "Ce que vous pouvez faire"
    assert ui_translations(layouts, "fr").gettext("What you can do") == "Ce que vous pouvez faire chez nous"


def test_a_project_restyles_its_documents_in_its_own_stylesheet(project):
    """A rule added to the project's booklet.css shows in the PDF's text (generated content)."""
    layouts = own_layouts(project)
    with (layouts / "booklet.css").open("a", encoding="utf-8") as css:
        css.write('\n.contacts-title::after { content: " (our own stylesheet)"; }\n')
    assert run(["--root", str(project.root), "build", "-j", "1", "--format", "booklet"]) == 0
    assert "Who can help (our own stylesheet)" in _text(project.root / "output/en/workers-booklet.pdf")


def test_update_templates_extracts_from_the_projects_layouts_and_the_code(project):
    """`booklet translations --update-templates` writes the project's messages.pot, with the phrases
    of its templates and of the package's code (view.py), and leaves the repository's alone."""
    layouts = own_layouts(project)
    _edit(layouts / "booklet.html.j2", '_("Who can help")', '_("Who can help in our town")')
    shipped = (LAYOUTS / "locale/messages.pot").read_bytes()
    assert run(["--root", str(project.root), "translations", "--update-templates"]) == 0
    pot = (layouts / "locale/messages.pot").read_text("utf-8")
    assert 'msgid "Who can help in our town"' in pot and "layouts/booklet.html.j2" in pot
    assert 'msgid "every day"' in pot and "generator/render/words.py" in pot  # a phrase of the view code
    assert (LAYOUTS / "locale/messages.pot").read_bytes() == shipped


@pytest.mark.parametrize("command", [
    ["build", "-j", "1", "--format", "booklet"],
    ["review-sheet"],
    ["export", "--hsds", "hsds"],
    ["translations"],
    ["serve", "--port", "0"],
])
def test_a_project_without_layouts_is_a_clear_error(project, capsys, command):
    (project.root / "layouts").unlink()
    command = [str(project.root / "hsds") if arg == "hsds" else arg for arg in command]
    assert run(["--root", str(project.root), *command]) == 1
    err = capsys.readouterr().err
    assert f"Error: no layouts folder: {project.root.resolve() / 'layouts'} does not exist" in err, err
    assert "Traceback" not in err
    assert not (project.root / "output").exists()


def test_the_command_without_layouts_exits_1_without_a_traceback(project):
    """The installed command itself, as a person runs it."""
    (project.root / "layouts").unlink()
    booklet = Path(sys.executable).parent / "booklet"
    done = subprocess.run([str(booklet), "--root", str(project.root), "build", "-j", "1"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 1, done.stderr
    assert "no layouts folder" in done.stderr and str(project.root.resolve() / "layouts") in done.stderr
    assert "Traceback" not in done.stderr


def test_an_installed_package_builds_from_a_project_folder(project, tmp_path):
    """`pip install` of a wheel (not editable) into a fresh virtual environment, then `booklet
    build` from outside the repository: the package has no layouts of its own, the project does.
    Needs no network: the wheel is built with this environment's setuptools, the other libraries
    are this environment's (a .pth line), the wheel is installed with --no-deps --no-index."""
    setuptools = pytest.importorskip("setuptools")
    if int(setuptools.__version__.split(".")[0]) < 77:
        pytest.skip(f"building the wheel without network needs setuptools>=77 (pyproject.toml's build-system) in this "
                    f"environment, which has {setuptools.__version__}: add setuptools to requirements.lock")
    own_layouts(project)
    source = tmp_path / "source"  # a copy: building in the repository would leave build/ and egg-info there
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    shutil.copytree(ROOT / "generator", source / "generator", ignore=shutil.ignore_patterns("__pycache__"))
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "--no-input"]
    subprocess.run([*pip, "wheel", "-q", "--no-deps", "--no-build-isolation", "--no-index", "-w", str(tmp_path / "wheel"),
                    str(source)], check=True, cwd=tmp_path, timeout=120)
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")}  # nothing of the source tree
    [wheel] = (tmp_path / "wheel").glob("booklet-*.whl")

    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120)
    python = venv / "bin/python"
    purelib = Path(subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
                                  check=True, capture_output=True, text=True).stdout.strip())
    (purelib / "booklet-deps.pth").write_text(sysconfig.get_path("purelib") + "\n")  # the libraries, not the package
    subprocess.run([*pip, "--python", str(python), "install", "-q", "--no-deps", "--no-index", str(wheel)],
                   check=True, env=env, cwd=tmp_path, timeout=120)

    where = subprocess.run([str(python), "-c", "import generator; print(generator.__file__)"], check=True,
                           capture_output=True, text=True, env=env, cwd=tmp_path).stdout.strip()
    assert Path(where).is_relative_to(purelib), where
    assert not Path(where).resolve().is_relative_to(ROOT), where

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    out = tmp_path / "out"
    done = subprocess.run([str(venv / "bin/booklet"), "--root", str(project.root), "build", "-j", "1", "--audience", "workers",
                           "--lang", "en", "--format", "leaflet", "--out", str(out)],
                          capture_output=True, text=True, env=env, cwd=elsewhere, timeout=300)
    assert done.returncode == 0, done.stderr
    pdf = out / "en/workers-leaflet.pdf"
    assert pdf.is_file(), done.stderr
    assert "Helpline" in _text(pdf)
