"""TOML values into a scene's typed parameters: tables of named lists, and where errors point."""

from dataclasses import dataclass

import pytest

from rendering.errors import UserError
from rendering.specs import TomlDoc, coerce, read_params

Named = tuple[tuple[str, tuple[str, ...]], ...]


@dataclass(frozen=True)
class Params:
    focus: str = "apple"
    senses: Named = ()

    def validate(self) -> None:
        pass


def test_a_table_of_lists_becomes_named_entries_in_order():
    value = {"fruit": ["banana", "pear"], "tech": ["phone"]}
    assert coerce(value, Named) == (("fruit", ("banana", "pear")), ("tech", ("phone",)))


@pytest.mark.parametrize("value", [["banana"], {"fruit": "banana"}, {"fruit": [1]}])
def test_a_table_of_the_wrong_shape_says_what_was_expected(value):
    with pytest.raises(ValueError, match="expected"):
        coerce(value, Named)


def test_errors_in_a_table_point_at_the_header_or_the_entry(tmp_path):
    path = tmp_path / "talk.toml"
    path.write_text('focus = "apple"\n\n[senses]\nfruit = ["pear"]\ntech = "phone"\n',
                    encoding="utf-8")
    doc = TomlDoc(path)
    with pytest.raises(UserError, match=r"talk\.toml:5: senses\.tech: expected a list of "
                                        r"strings, got 'phone'"):
        read_params(doc, Params(), dict(doc.data))
    path.write_text('senses = ["fruit"]\n', encoding="utf-8")
    doc = TomlDoc(path)
    with pytest.raises(UserError, match=r"talk\.toml:1: senses: expected a table of name = "
                                        r"a list of strings"):
        read_params(doc, Params(), dict(doc.data))
