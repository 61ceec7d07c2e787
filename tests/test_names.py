"""Names are split as BibTeX splits them and compared as names."""

from __future__ import annotations

import pytest

from bibcv.names import Name, parse_name, parse_names, same_person

OWNER = parse_name("Zhuofu Chen")


@pytest.mark.parametrize("written", [
    "Zhuofu Chen", "Chen, Zhuofu", "Z. Chen", "Chen, Z.", "Z Chen", "ZHUOFU CHEN",
    "Zhuo-Fu Chen", r"Zhuof{\'u} Chen", "Zhuofú Chen", "Zhuofu X. Chen",
])
def test_variants_of_the_owner_match(written):
    assert same_person(parse_name(written), OWNER)


@pytest.mark.parametrize(
    "written", ["Zhuoming Chen", "Zhuofu Cheng", "Chen Zhuofu", "Y. Chen", "Chen"])
def test_other_people_do_not_match(written):
    assert not same_person(parse_name(written), OWNER)


def test_bibtex_name_forms_and_others():
    names = parse_names(r"von Beethoven, Jr, Ludwig and {\"U}nal, Ahmet and "
                        r"{Barnes and Noble} and others")
    assert names == [
        Name(("Ludwig",), ("von",), ("Beethoven",), ("Jr",)),
        Name(("Ahmet",), (), ("Ünal",), ()),
        Name((), (), ("Barnes and Noble",), ()),
        Name((), (), ("others",), ()),
    ]
    assert names[0].display() == "Ludwig von Beethoven, Jr"
    assert names[3].is_others
