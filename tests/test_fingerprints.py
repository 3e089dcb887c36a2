"""A PDF's fingerprint follows what it is made of: a change to code that cannot change a PDF
(the command line, the preview server, the editor's tools, the web pages) renders no PDF on
the next build; a change to the code that lays pages out renders them all again."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import generator
from generator.build import quick

from .conftest import built_pdfs

PACKAGE = Path(generator.__file__).resolve().parent

BUILD = """
import sys
import generator
from generator.cli import main
print(generator.__file__)
sys.argv = ["booklet", "--root", sys.argv[1], "build", "-j", "1", "--format", "poster"]
main()
"""


def module_file(name: str) -> str:
    """Where a module of the package is, relative to the package (it moves with the layers)."""
    __import__(name)
    return Path(sys.modules[name].__file__).resolve().relative_to(PACKAGE).as_posix()


def test_a_comment_in_the_cli_renders_no_pdf_and_one_in_paper_renders_them_all(project, tmp_path):
    copy = tmp_path / "code"
    shutil.copytree(PACKAGE, copy / "generator", ignore=shutil.ignore_patterns("__pycache__"))

    def build() -> str:
        done = subprocess.run([sys.executable, "-c", BUILD, str(project.root)], capture_output=True, text=True,
                              cwd=project.root, env={**__import__("os").environ, "PYTHONPATH": str(copy)})
        assert done.returncode == 0, done.stderr
        assert done.stdout.strip() == str(copy / "generator" / "__init__.py")  # the copy runs, not the repository
        return done.stderr

    def touch(name: str) -> None:
        path = copy / "generator" / module_file(name)
        path.write_text(path.read_text() + "\n# a comment\n")

    first = build()
    assert "built en/workers-poster.pdf" in first
    pdfs = {p: p.read_bytes() for p in built_pdfs(project.root / "output")}

    touch("generator.cli.app")
    second = build()
    assert "built " not in second
    assert "up to date" in second or "nothing changed" in second
    assert {p: p.read_bytes() for p in built_pdfs(project.root / "output")} == pdfs

    touch("generator.paper.pdf")  # WeasyPrint and the PDF finisher: every PDF again
    third = build()
    assert "built en/workers-poster.pdf" in third


def test_the_code_left_out_of_a_pdfs_fingerprint_is_code_that_exists():
    """A name in NOT_IN_PDFS that matches no file would leave out nothing (a renamed module)."""
    files = {p.relative_to(PACKAGE).as_posix() for p in PACKAGE.rglob("*.py")}
    for blind in quick.NOT_IN_PDFS:
        if blind.endswith("/"):
            assert any(f.startswith(blind) for f in files), blind
        else:
            assert blind in files, blind
    assert quick.code_fingerprint(PACKAGE.parent / "layouts", pdfs_only=True) != quick.code_fingerprint(PACKAGE.parent / "layouts")
