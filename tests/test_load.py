"""The YAML loader: positions, and the traps of YAML 1.1 it closes."""

from __future__ import annotations

from datetime import date

import pytest

from generator.content.load import LoadError, parse, read


def test_values_keep_their_text_and_position():
    doc = parse("lang: no\ntime: 09:30\nphone: 1712\nwhen: 2026-01-02\nitems:\n  - a\n  - b\n", "f.yaml")
    # 'no' is Norwegian, not False; 09:30 is a time, not the integer 570 (YAML 1.1 sexagesimal)
    assert doc.data == {"lang": "no", "time": "09:30", "phone": 1712, "when": date(2026, 1, 2), "items": ["a", "b"]}
    assert doc.where(("items", 1)) == (7, 5)
    assert doc.where(("time",), key=True) == (2, 1)
    assert doc.where(("items", 5, "missing")) == (6, 3)  # nearest known parent: the list


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("a: 1\nb: 2\na: 3\n", "f.yaml:3:1: error: a: duplicate key 'a' (first at line 1); expected each key once"),
        ("a: &x [1, 2]\nb: *x\n", "f.yaml:1:4: error: b: YAML anchors (&) and aliases (*) are not allowed; expected each value written out"),
        ("a:\n\tb: 1\n", "f.yaml:2:1: error: tab character; expected spaces for indentation"),
        ("a: [1, 2\nb: 3\n", "f.yaml:2:2: error: YAML syntax error: a list in [ ] is not closed on its line, or an item in it contains ', ' or ': '; expected [a, b] with such items in quotes (YAML: did not find expected ',' or ']')"),
        ("", "f.yaml:1:1: error: file is empty; expected a mapping of fields"),
        ("# only a comment\n", "f.yaml:1:1: error: file is empty; expected a mapping of fields"),
        ("- a\n- b\n", "f.yaml:1:1: error: file holds a list; expected a mapping of fields"),
        ("just text\n", "f.yaml:1:1: error: file holds a str; expected a mapping of fields"),
    ],
)
def test_bad_yaml_is_located(text, message):
    with pytest.raises(LoadError) as info:
        parse(text, "f.yaml")
    assert str(info.value) == message


def test_byte_order_mark_is_refused(tmp_path):
    f = tmp_path / "s.yaml"
    f.write_bytes(b"\xef\xbb\xbfname: x\n")
    with pytest.raises(LoadError) as info:
        read(f, tmp_path)
    assert str(info.value) == "s.yaml:1:1: error: file starts with a byte-order mark; expected UTF-8 without BOM"


def test_non_utf8_is_located(tmp_path):
    f = tmp_path / "s.yaml"
    f.write_bytes(b"name: x\nsummary: caf" + "\xe9\n".encode("latin-1"))
    with pytest.raises(LoadError) as info:
        read(f, tmp_path)
    assert str(info.value) == "s.yaml:2:13: error: byte 0xe9 is not valid UTF-8; expected a UTF-8 text file"


def test_a_billion_laughs_is_refused_at_the_first_alias():
    text = "a: &a [x, x]\nb: &b [*a, *a]\nc: &c [*b, *b]\nd: [*c, *c]\n"
    with pytest.raises(LoadError) as info:
        parse(text, "f.yaml")
    assert "YAML anchors (&) and aliases (*) are not allowed" in str(info.value)


def test_python_tags_are_not_constructed():
    with pytest.raises(LoadError) as info:
        parse("a: !!python/object/apply:os.system ['true']\n", "f.yaml")
    assert str(info.value) == "f.yaml:1:4: error: a: YAML tag '!!python/object/apply:os.system' is not allowed; expected a plain value"
