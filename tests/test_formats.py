"""The format table (generator/base/formats.py) is one entry per format: every rule it names by type
has its implementation, and every field it reads exists."""

from __future__ import annotations

from typing import get_args

from generator.base import formats
from generator.content.model import Audience
from generator.paper import impose


def test_every_imposition_a_format_can_name_has_its_layout():
    assert set(get_args(formats.Imposition)) == set(impose.IMPOSITIONS)
    for fmt in formats.FORMATS.values():
        if fmt.imposition is not None:
            layout = impose.layout_for(fmt.name, rtl=False).layout
            assert layout is not None and layout([(210.0, 297.0)] * 4), fmt.name


def test_every_selection_a_format_can_name_is_a_field_of_the_audience():
    fields = {info.alias or name for name, info in Audience.model_fields.items()}
    assert set(get_args(formats.Selection)) <= fields
    assert {f.selection for f in formats.FORMATS.values() if f.selection} <= set(get_args(formats.Selection))


def test_every_fit_rule_a_format_can_name_has_its_check():
    from generator.paper import fit

    assert set(get_args(formats.FitRule)) == set(fit.RULES)
