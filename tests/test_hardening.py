"""Untrusted files (issue 30): a translator's PO file or a content file written to do harm is
refused quickly, with a located message, before it can hold, crash or bloat a build."""

from __future__ import annotations

import shutil
import time

from generator.cli import run

from .conftest import LAYOUTS, SERVICE
from .test_untrusted import bilingual, msgstr_line, translated

PO = "content/translations/fr.po"


def _check(project, capsys) -> tuple[int, list[str]]:
    code = run(["--root", str(project.root), "check"])
    return code, capsys.readouterr().out.splitlines()


# ------------------------------------------------------------------ PO files


def test_a_huge_msgstr_is_refused_in_under_a_second(project, tmp_path, capsys):
    """A 100 KB msgstr took 101 s to import (babel's line wrapping is quadratic)."""
    bilingual(project)
    incoming = tmp_path / "fr.po"
    lines = translated(project, "fr", "x" * 100_000, incoming)
    started = time.monotonic()
    assert run(["--root", str(project.root), "translations", "--import", str(incoming)]) == 1
    assert time.monotonic() - started < 1
    err = capsys.readouterr().err
    assert (f"{incoming}:{msgstr_line(lines)}:1: error: msgstr: a string of about 100,000 characters; expected at most 4,000 "
            "(a field's text is well under 1,000): the file is not read") in err
    assert not (project.root / PO).exists()


def test_a_huge_po_file_is_refused_unread(project, tmp_path, capsys):
    bilingual(project)
    incoming = tmp_path / "fr.po"
    translated(project, "fr", "Écoute et aide.", incoming)
    incoming.write_bytes(incoming.read_bytes() + b"# padding\n" * 110_000)
    started = time.monotonic()
    assert run(["--root", str(project.root), "translations", "--import", str(incoming)]) == 1
    assert time.monotonic() - started < 1
    size = incoming.stat().st_size
    assert (f"{incoming}:1:1: error: the file has {size:,} bytes; expected at most 1,048,576 (a catalogue is about "
            "60,000): not read") in capsys.readouterr().err
    # the same file put in place by hand: booklet check refuses it, unread
    (project.root / PO).parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(incoming, project.root / PO)
    code, out = _check(project, capsys)
    assert code == 1 and f"{PO}:1:1: error: the file has {size:,} bytes; expected at most 1,048,576 (a catalogue is about " \
                         "60,000): not read" in out


def test_a_declared_charset_that_is_not_the_bytes_is_refused(project, tmp_path, capsys):
    """A PO declaring ISO-8859-1 over UTF-8 text was imported as 'Ã  Unia'."""
    bilingual(project)
    incoming = tmp_path / "fr.po"
    lines = translated(project, "fr", "Écoute et aide, à Unia.", incoming)
    incoming.write_bytes(incoming.read_bytes().replace(b"charset=utf-8", b"charset=ISO-8859-1"))
    assert run(["--root", str(project.root), "translations", "--import", str(incoming)]) == 1
    line = next(i for i, x in enumerate(lines, 1) if "charset=" in x)
    assert (f"{incoming}:{line}:1: error: Content-Type: declares charset=ISO-8859-1, but its bytes are UTF-8 text; "
            "expected charset=UTF-8") in capsys.readouterr().err
    incoming.write_bytes(incoming.read_bytes().replace("à".encode(), "à".encode("latin-1")))  # really Latin-1 now
    assert run(["--root", str(project.root), "translations", "--import", str(incoming)]) == 1
    at = next(i for i, x in enumerate(incoming.read_bytes().split(b"\n"), 1) if b"Unia" in x)
    assert f"{incoming}:{at}:" in (err := capsys.readouterr().err) and "error: byte 0xe0 is not UTF-8; expected a UTF-8 file (charset=UTF-8)" in err
    assert not (project.root / PO).exists()


def _own_layouts(project) -> None:
    """The project's layouts as its own folder (the phrase catalogues copied, the rest linked)."""
    (project.root / "layouts").unlink()
    (project.root / "layouts").mkdir()
    for item in LAYOUTS.iterdir():
        if item.name == "locale":
            shutil.copytree(item, project.root / "layouts/locale")
        else:
            (project.root / "layouts" / item.name).symlink_to(item)


def test_a_layout_phrase_cannot_crash_or_bloat_a_build(project, tmp_path, capsys):
    """'Vérifié le {date} {0}' passed check and msgfmt and crashed the build (IndexError);
    '{date}{date:>99999999}' made 100 MB per card."""
    bilingual(project)
    _own_layouts(project)
    catalogue = project.root / "layouts/locale/fr.po"
    good = catalogue.read_text("utf-8")
    assert 'msgstr "Vérifié le {date}"' in good
    rel = "layouts/locale/fr.po"
    line = good.split("\n").index('msgstr "Vérifié le {date}"') + 1
    for translation, why in (
        ("Vérifié le {date} {0}", "{0} is a positional field"),
        ("Vérifié le {}", "{} is a positional field"),
        ("Vérifié le {date}{date:>99999999}", "{date:>99999999} has a format spec or conversion"),
        ("Vérifié le {date!r}", "{date!r} has a format spec or conversion"),
        ("Vérifié le {date.__class__}", "{date.__class__} is not a plain name"),
        ("Vérifié le {jour}", "placeholders {jour} differ from the English {date}"),
        ("Vérifié le {date", "expected '}' before end of string (a lone { or }: write {{ or }} for a brace)"),
    ):
        catalogue.write_text(good.replace('msgstr "Vérifié le {date}"', f'msgstr "{translation}"'), "utf-8")
        code, out = _check(project, capsys)
        assert code == 1, translation
        assert f"{rel}:{line}:1: error: msgstr: {why}; expected the English's placeholders, each as {{name}}" in out, (translation, out[-5:])
    out_dir = tmp_path / "out"
    assert run(["--root", str(project.root), "build", "--out", str(out_dir), "--lang", "fr", "--format", "card", "-j", "1"]) == 1
    err = capsys.readouterr().err  # the build stops at the check, before any page is rendered
    assert f"{rel}:{line}:1: error: msgstr: expected '}}' before end of string" in err and "Traceback" not in err
    assert not list(out_dir.rglob("*.pdf"))
    catalogue.write_text(good, "utf-8")
    assert _check(project, capsys)[0] == 0


# ------------------------------------------------------------------ content files


def test_a_value_nested_600_deep_is_a_located_error(project, capsys):
    """It ended booklet check with an uncaught RecursionError."""
    project.write("content/services/helpline.yaml", SERVICE.replace("summary: Listens and helps.",
                                                                    "summary: " + "[" * 600 + "]" * 600))
    code, out = _check(project, capsys)
    assert code == 1
    line = next(i for i, x in enumerate(SERVICE.split("\n"), 1) if x.startswith("summary:"))
    assert any(x.startswith(f"content/services/helpline.yaml:{line}:30: error: summary[0]") and
               x.endswith(": lists or fields nested more than 20 levels deep; expected the shape of the field (see docs/fields.md)")
               for x in out), out[-3:]


def test_a_file_name_that_is_not_an_id_is_refused(project, capsys):
    project.write('content/audiences/x"y <z>#?.yaml', "title: T\nsituations: [work]\n")
    project.write("content/centres/...yaml", "name: C\nregion: wallonia\n")
    project.write("content/services/Helpline_2.yaml", SERVICE)
    code, out = _check(project, capsys)
    assert code == 1
    assert ("content/audiences/x\"y <z>#?.yaml:1:1: error: id: the file name 'x\"y <z>#?.yaml' does not make an id; "
            "expected lower-case letters and digits in words joined by '-', such as 'x-y-z.yaml': not read") in out
    assert ("content/centres/...yaml:1:1: error: id: the file name '...yaml' does not make an id; expected lower-case "
            "letters and digits in words joined by '-', such as 'name.yaml': not read") in out
    assert ("content/services/Helpline_2.yaml:1:1: error: id: the file name 'Helpline_2.yaml' does not make an id; "
            "expected lower-case letters and digits in words joined by '-', such as 'helpline-2.yaml': not read") in out


def test_a_symbolic_link_out_of_content_is_not_read(project, tmp_path, capsys):
    secret = tmp_path.parent / f"{tmp_path.name}-outside.yaml"
    secret.write_text(SERVICE.replace("name: Helpline", "name: Secret"), "utf-8")
    (project.root / "content/services/outside.yaml").symlink_to(secret)
    inside = project.root / "content/services/helpline.yaml"
    (project.root / "content/services/same.yaml").symlink_to(inside)  # a link inside content/ is fine
    (project.root / "content/translations").mkdir()
    (project.root / "content/translations/fr.po").symlink_to(secret)
    project.write("content/booklet.yaml", "languages: [en, fr]\nfallback: If nothing fits, call Unia.\n")
    code, out = _check(project, capsys)
    assert code == 1
    assert ("content/services/outside.yaml:1:1: error: a symbolic link leading out of content/ (or a broken one); expected "
            "the file itself in content/: not read") in out
    assert not any("same.yaml" in x and "error" in x for x in out)
    (project.root / "content/services/outside.yaml").unlink()  # the translations are checked once the content is valid
    code, out = _check(project, capsys)
    assert code == 1
    assert ("content/translations/fr.po:1:1: error: a symbolic link leading out of content/ (or a broken one); expected "
            "the file itself in content/translations/: not read") in out
    secret.unlink()
