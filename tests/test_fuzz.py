"""Property-based: random and mutated content files either load or fail with located errors —
never a crash, a traceback or a hang. `make fuzz` runs 10,000 cases; `make test` a short run."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.content.validate import load_catalogue

from .conftest import AUDIENCE, SERVICE, SITUATION

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "120"))
SETTINGS = settings(max_examples=EXAMPLES, deadline=5000, derandomize=not os.environ.get("FUZZ_EXAMPLES"),
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

YAMLISH = st.text(alphabet=st.sampled_from(list("abcdefghijklmnopqrstuvwxyz0123456789 :-[]{},'\"\n#&*!|>%@`\t\\é€٠")),
                  max_size=300)
SCALARS = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True), st.text(max_size=30),
                    st.dates(), st.sampled_from(["0800 12 800", "https://x.be", "mo-fr", "09:30", "nl", "federal"]))
DATA = st.recursive(SCALARS, lambda children: st.one_of(
    st.lists(children, max_size=4),
    st.dictionaries(st.sampled_from(["name", "summary", "regions", "phones", "number", "hours", "days", "from", "to",
                                     "emails", "links", "url", "kind", "last_verified", "languages", "x", "services"]),
                    children, max_size=5)), max_leaves=12)


def mutate(text: str, edits: list[tuple[int, int, str]]) -> str:
    for position, length, insert in edits:
        position %= max(len(text), 1)
        text = text[:position] + insert + text[position + length:]
    return text


EDITS = st.lists(st.tuples(st.integers(0, 1000), st.integers(0, 6), st.text(max_size=6)), min_size=1, max_size=4)


def check(files: dict[str, str | bytes]) -> None:
    root = Path(tempfile.mkdtemp(prefix="fuzz-"))
    try:
        base = {"content/services/helpline.yaml": SERVICE, "content/situations/work.yaml": SITUATION,
                "content/audiences/workers.yaml": AUDIENCE}
        for rel, text in {**base, **files}.items():
            path = root / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8", "surrogatepass"))
        cat = load_catalogue(root)
        for problem in cat.problems:
            assert problem.path.startswith("content"), problem
            assert problem.line >= 1 and problem.column >= 1, problem
            assert problem.message and str(problem).startswith(f"{problem.path}:{problem.line}:{problem.column}:")
    finally:
        shutil.rmtree(root, ignore_errors=True)


@SETTINGS
@given(text=YAMLISH)
def test_random_text_as_a_service(text):
    check({"content/services/helpline.yaml": text})


@SETTINGS
@given(edits=EDITS, which=st.sampled_from(["content/services/helpline.yaml", "content/situations/work.yaml",
                                            "content/audiences/workers.yaml"]))
def test_mutated_valid_files(edits, which):
    original = {"content/services/helpline.yaml": SERVICE, "content/situations/work.yaml": SITUATION,
                "content/audiences/workers.yaml": AUDIENCE}[which]
    check({which: mutate(original, edits)})


@SETTINGS
@given(data=DATA)
def test_random_structures_as_a_service(data):
    check({"content/services/helpline.yaml": yaml.safe_dump(data, allow_unicode=True)})


@SETTINGS
@given(raw=st.binary(max_size=200))
def test_random_bytes_as_a_service(raw):
    check({"content/services/helpline.yaml": raw})
