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


@pytest.mark.parametrize(("written", "expected"), [
    # A name starting with a command after " and " keeps its first letters.
    (r"John Smith and \'Eric Dupont and \Thanh Nguyen",
     [Name(("John",), (), ("Smith",)), Name(("Éric",), (), ("Dupont",)),
      Name(("Thanh",), (), ("Nguyen",))]),
    ("van Beethoven", [Name((), ("van",), ("Beethoven",))]),
    (r"the {\LaTeX{} Project Team}", [Name((), ("the",), ("LaTeX Project Team",))]),
    # \~ is an accent, not a tie (biber's reading; BibTeX would cut "Jo\" from "ao").
    (r"Jo\~ao Brand\~{a}o and Brand{\~a}o, Jo\~{a}o",
     [Name(("João",), (), ("Brandão",)), Name(("João",), (), ("Brandão",))]),
    # Unicode case (biber's reading; 8-bit BibTeX takes "Émile" for a von part).
    ("Émile Zola and Jean émile Zola",
     [Name(("Émile",), (), ("Zola",)), Name(("Jean",), ("émile",), ("Zola",))]),
    # A lower-case word joined by a hyphen is part of that word (biber's reading).
    ("Jean-paul Sartre and jean-paul Sartre",
     [Name(("Jean-paul",), (), ("Sartre",)), Name((), ("jean-paul",), ("Sartre",))]),
    ("given=William, family=Atheling, suffix=Jr. and family={van Dyck}, given=A., prefix=de",
     [Name(("William",), (), ("Atheling",), ("Jr.",)),
      Name(("A.",), ("de",), ("van Dyck",))]),
    ("Xin Jin 0008 and Jin 0002, Xin", [Name(("Xin",), (), ("Jin",), (), "0008"),
                                        Name(("Xin",), (), ("Jin",), (), "0002")]),
    ("A, B, C, D", [Name(("C", "D"), (), ("A",), ("B",))]),  # commas past two: spaces
])
def test_hard_names(written, expected):
    assert parse_names(written) == expected


def test_dblp_numbers_are_not_shown_and_do_not_stop_matching():
    name = parse_name("Zhuofu Chen 0001")
    assert name.display() == "Zhuofu Chen"
    assert same_person(name, OWNER)


@pytest.mark.parametrize("written", [
    "Fernández de la Cruz-Østergaard, María-José",  # Google Scholar, ACM, Zotero
    "María-José Fernández de la Cruz-Østergaard",
    "Fernández de la Cruz-Østergaard, M.-J.",
    "M.-J. Fernández de la Cruz-Østergaard",
])
def test_a_family_name_of_several_words_matches_however_it_is_split(written):
    me = parse_name("María-José Fernández de la Cruz-Østergaard")
    assert same_person(parse_name(written), me)
    assert same_person(me, parse_name(written))


@pytest.mark.parametrize("hyphen", ["\u2010", "\u2011", "\u2013", "\u2212"])
def test_a_unicode_hyphen_in_a_family_or_given_name_matches(hyphen):
    """Wiley's BibTeX writes "Alexander Meyer‐Gohde" with U+2010: the paper was left out
    of `author: self` (found on a public economics .bib)."""
    me = parse_name("Jean-Marc Meyer-Gohde")
    assert same_person(parse_name(f"Jean{hyphen}Marc Meyer{hyphen}Gohde"), me)
    assert same_person(parse_name(f"Meyer{hyphen}Gohde, J.{hyphen}M."), me)
    assert not same_person(parse_name(f"Jean{hyphen}Marc Meyer{hyphen}Gohdes"), me)


@pytest.mark.parametrize("other", [
    "Fernández de la Cruz-Østergaard, Pedro", "Pedro Fernández de la Cruz-Østergaard",
    "Cruz-Østergaard, María-José Fernando",
])
def test_another_given_name_with_the_same_long_family_is_someone_else(other):
    me = parse_name("María-José Fernández de la Cruz-Østergaard")
    assert not same_person(parse_name(other), me)


@pytest.mark.parametrize(("written", "shown"), [
    ("Mao, S. A.", "S.\u00a0A. Mao"), ("S.~A.~Mao", "S.\u00a0A. Mao"),
    ("Jean-Paul Sartre", "Jean-Paul Sartre"), ("J.-P. A. Sartre", "J.-P.\u00a0A. Sartre"),
    ("Smith, John A. B.", "John A.\u00a0B. Smith"), ("Al B Cee", "Al B Cee"),
    ("Ch. Th. de la Vall{\\'e}e Poussin", "Ch.\u00a0Th. de la Vallée Poussin")])
def test_initials_of_a_name_are_tied_for_the_reader_not_for_machines(written, shown):
    name = parse_name(written)
    assert (name.display(), name.display(tied=False)) == (shown, shown.replace("\u00a0", " "))
