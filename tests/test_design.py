"""The `design:` block, option by option, in the PDF (pdfinfo, pdffonts, pdfimages, rendered
pixels, word boxes) and on the web page (Chromium's computed styles); and its errors."""

from __future__ import annotations

import io
import itertools
import re
import subprocess
from pathlib import Path

import pytest
from PIL import Image

from bibcv.errors import BibcvError
from bibcv.pipeline import build_cv
from bibcv.theme import builtin_themes
from browser import open_page
from conftest import REPO, pdf_text, word_boxes, write

PRIMARY, LINKS, TEXT = (176, 58, 46), (31, 111, 178), (46, 125, 50)
RED, BLUE = (220, 20, 20), (20, 20, 220)  # the photo's halves
CM = 72 / 2.54


def sideways_photo(path: Path) -> Path:
    """300×200 pixels, red left and blue right, tagged 'rotate 90° clockwise to view'
    (EXIF orientation 6, as phones store portraits): upright, red is on top."""
    image = Image.new("RGB", (300, 200), RED)
    image.paste(BLUE, (150, 0, 300, 200))
    exif = image.getexif()
    exif[0x0112] = 6
    image.save(path, exif=exif.tobytes())
    return path


def designed_cv(folder: Path, design: str, extends: Path = REPO / "cv" / "zhuofu-chen-v2.yaml"
                ) -> Path:
    return write(folder / "cv.yaml", f"extends: {extends}\ndesign:\n{design}")


EVERYTHING = """\
  page_size: letter
  margins: 2cm
  font: Latin Modern Sans
  font_size: 11pt
  line_spacing: 1.2
  colors: {primary: "#B03A2E", links: "#1F6FB2", text: "#2E7D32"}
  section_title: filled
  header: left
  date_position: left
  photo: {path: me.jpg, shape: round}
  last_page_footer: References available on *request*.
"""


@pytest.fixture(scope="module")
def everything(tmp_path_factory) -> dict[str, Path]:
    """One CV with every option set, as PDF and web page."""
    folder = tmp_path_factory.mktemp("designed")
    sideways_photo(folder / "me.jpg")
    built = build_cv(designed_cv(folder, EVERYTHING), folder / "out", formats=["pdf", "html"])
    assert [str(w) for w in built.warnings] == []
    return {"pdf": folder / "out" / "cv.pdf", "html": folder / "out" / "cv.html",
            "tex": folder / "out" / "cv.tex"}


def test_page_size_and_margins(everything):
    info = subprocess.run(["pdfinfo", str(everything["pdf"])], capture_output=True, text=True,
                          check=True).stdout
    assert re.search(r"Page size:\s+612 x 792 pts \(letter\)", info)

    pages = word_boxes(everything["pdf"])
    for width, _height, words in pages:
        assert min(box[0] for _, box in words) >= 2 * CM - 1
        assert max(box[2] for _, box in words) <= width - 2 * CM + 1
    width, height, words = pages[0]  # later pages have their footer in the bottom margin
    assert min(box[1] for _, box in words) >= 2 * CM - 12  # a box reaches up to the ascent
    assert max(box[3] for _, box in words) <= height - 2 * CM + 1


def test_the_chosen_font_is_embedded(everything):
    fonts = subprocess.run(["pdffonts", str(everything["pdf"])], capture_output=True,
                           text=True, check=True).stdout
    families = {line.split()[0].split("+")[-1] for line in fonts.splitlines()[2:]}
    assert "LMSans10-Regular-Identity-H" in families
    assert not any("Gentium" in family for family in families)


def test_font_size_and_line_spacing_set_the_lines_apart(everything):
    """11pt text has 13.6pt from line to line; line_spacing 1.2 makes it 16.32pt."""

    _width, _height, words = word_boxes(everything["pdf"])[0]
    tops = [box[1] for word, box in words if word == "Research"]  # the section's title
    start = next(index for index, (word, _box) in enumerate(words) if word == "broad")
    paragraph = [box for _word, box in words[start - 3:start + 60]]
    lines = sorted({round(box[3], 1) for box in paragraph if box[1] > tops[0]})
    gaps = [below - above for above, below in itertools.pairwise(lines)]
    assert len(gaps) >= 2 and all(abs(gap - 16.32) < 0.3 for gap in gaps[:3]), gaps


def test_the_header_is_aligned_as_asked(everything):

    _width, _height, words = word_boxes(everything["pdf"])[0]
    name = next(box for word, box in words if word == "Zhuofu")
    assert abs(name[0] - 2 * CM) < 2  # header: left, at the 2 cm margin (centred in classic)


def rendered_pixels(pdf: Path, page: int = 1, dpi: int = 60) -> list[tuple[int, int, int]]:
    ppm = subprocess.run(["pdftoppm", "-r", str(dpi), "-f", str(page), "-l", str(page), str(pdf)],
                         capture_output=True, check=True).stdout
    return list(Image.open(io.BytesIO(ppm)).convert("RGB").get_flattened_data())


def near(pixels: list[tuple[int, int, int]], colour: tuple[int, int, int]) -> int:
    return sum(1 for p in pixels if all(abs(a - b) <= 10 for a, b in zip(p, colour, strict=True)))


def test_colours_in_the_pdf(everything):
    pixels = rendered_pixels(everything["pdf"], dpi=100)
    assert near(pixels, PRIMARY) > 2000  # the filled section-title bands and the name
    assert near(pixels, TEXT) > 200  # the body text
    assert near(pixels, LINKS) > 20  # the contact links


def test_the_photo_is_in_the_pdf_upright_and_round(everything, tmp_path):
    listing = subprocess.run(["pdfimages", "-list", str(everything["pdf"])],
                             capture_output=True, text=True, check=True).stdout.splitlines()[2:]
    kinds = [line.split()[2] for line in listing]
    assert kinds == ["image", "smask"]  # the round photo's corners are transparent
    subprocess.run(["pdfimages", "-png", str(everything["pdf"]), str(tmp_path / "img")],
                   check=True)
    photo = Image.open(tmp_path / "img-000.png").convert("RGB")
    side = photo.width
    top, bottom = photo.getpixel((side // 2, side // 8)), photo.getpixel((side // 2, side * 7 // 8))
    assert near([top], RED) and near([bottom], BLUE)  # EXIF orientation honoured
    mask = Image.open(tmp_path / "img-001.png").convert("L")
    assert mask.getpixel((0, 0)) == 0 and mask.getpixel((side // 2, side // 2)) == 255


def test_dates_at_the_left_and_the_last_page_footer(everything):
    pages = pdf_text(everything["pdf"]).split("\f")
    first_line = next(line for line in pages[0].splitlines() if "Tongji University" in line)
    assert first_line.index("Sept. 2021") < first_line.index("Tongji University")
    last = [line.strip() for line in pages[-2 if pages[-1].strip() == "" else -1].splitlines()
            if line.strip()]
    assert "References available on request." in last[-2:]
    assert all("References available" not in page for page in pages[:-2])


def test_the_web_page_follows_the_design(everything, tab):
    page = everything["html"]
    source = page.read_text(encoding="utf-8")
    assert "@page { size: letter; margin: 2cm 2cm 2cm 2cm; }" in source
    open_page(tab, page, 1280)
    assert tab.problems == []
    assert [url for url in tab.requests if not url.startswith("data:")] == [page.as_uri()]
    styles = tab.evaluate("""() => {
        const css = (selector, property) =>
            getComputedStyle(document.querySelector(selector))[property];
        const img = document.querySelector('img.photo');
        return {h2: css('main h2', 'backgroundColor'), text: css('body', 'color'),
                link: css('.contact a', 'color'), font: css('body', 'fontFamily'),
                align: css('.masthead .who', 'textAlign'), radius: css('img.photo', 'borderRadius'),
                photo: [img.naturalWidth, img.src.slice(0, 22)],
                when: document.querySelector('.dated-entry').firstElementChild.className};
    }""")
    assert styles["h2"] == "rgb(176, 58, 46)" and styles["text"] == "rgb(46, 125, 50)"
    assert styles["link"] == "rgb(31, 111, 178)"
    assert styles["font"].startswith('"Latin Modern Sans"')
    assert styles["align"] == "left" and styles["radius"] == "50%"
    assert styles["photo"][0] > 0 and styles["photo"][1] == "data:image/png;base64,"
    assert styles["when"] == "when"  # the date column comes first
    assert "References available on" in tab.inner_text("footer.last-page")
    open_page(tab, page, 360)
    assert tab.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0


def test_a_square_photo_and_another_paper(tmp_path):
    sideways_photo(tmp_path / "me.jpg")
    cv = designed_cv(tmp_path, "  page_size: a5\n  photo: {path: me.jpg, shape: square}\n")
    built = build_cv(cv, tmp_path / "out")
    info = subprocess.run(["pdfinfo", str(built.outputs[0])], capture_output=True, text=True,
                          check=True).stdout
    assert re.search(r"Page size:\s+419.53 x 595.28 pts", info)  # A5
    listing = subprocess.run(["pdfimages", "-list", str(built.outputs[0])], capture_output=True,
                             text=True, check=True).stdout.splitlines()[2:]
    assert [line.split()[2] for line in listing] == ["image"]  # no mask: square


@pytest.mark.parametrize(("design", "line", "message"), [
    ("  font: Comic Sands Pro\n", 3, "the font 'Comic Sands Pro' is not installed on this "
     "machine"),
    ("  photo: missing.jpg\n", 3, "photo 'missing.jpg' not found"),
    ("  photo: {path: cv.yaml, shape: round}\n", 3, "the photo 'cv.yaml' cannot be read as an "
     "image"),
])
def test_a_missing_font_or_photo_is_one_error_and_nothing_is_written(tmp_path, design, line,
                                                                   message):
    cv = designed_cv(tmp_path, design)
    with pytest.raises(BibcvError) as caught:
        build_cv(cv, tmp_path / "out", formats=["pdf", "html", "md"])
    assert str(caught.value).startswith(f"{cv}:{line}: {message}")
    assert not (tmp_path / "out").exists() or list((tmp_path / "out").rglob("cv.*")) == []


def test_the_font_error_says_how_to_install_it(tmp_path):
    cv = designed_cv(tmp_path, "  font: Latin Modern San\n")
    with pytest.raises(BibcvError) as caught:
        build_cv(cv, tmp_path / "out")
    assert "did you mean 'Latin Modern Sans'?" in str(caught.value)
    assert "apt-get install" in str(caught.value) and "fc-list" in str(caught.value)


@pytest.mark.parametrize(("design", "message"), [
    ("  colour: {primary: '#fff'}\n", "unknown key 'colour' in 'design'; did you mean 'colors'?"),
    ("  margins: 2\n", "'2' is not a length; write a number and a unit: 2cm"),
    ("  colors: {primary: red}\n", "'red' is not a colour; write it as #RRGGBB"),
    ("  page_size: A4\n", "a4"),
])
def test_design_mistakes_are_named_at_their_line(tmp_path, design, message):
    from bibcv.pipeline import check_cv

    cv = designed_cv(tmp_path, design)
    with pytest.raises(BibcvError) as caught:
        check_cv(cv)
    assert f"{cv}:3:" in str(caught.value) and message in str(caught.value)


# --- themes that extend others ------------------------------------------------------------

def readme_theme_files() -> dict[str, str]:
    """The files of the README's example theme, exactly as the README shows them."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    return dict(re.findall(r"<!-- theme file: (\S+) -->\n```\w+\n(.*?)```", readme, re.S))


def test_the_readme_theme_extends_classic_and_changes_one_template(tmp_path):
    files = readme_theme_files()
    assert sorted(files) == ["inline-skills/sections/bullets.tex.j2", "inline-skills/theme.yaml"]
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    cv = write(tmp_path / "cv.yaml", f"""\
        extends: {REPO / "cv" / "zhuofu-chen-v2.yaml"}
        theme: inline-skills
        sections:
          skills: {{title: Skills, layout: bullets, items: [{{text: Rust}}, {{text: C++}}]}}
        order: [education, skills]
        """)
    built = build_cv(cv, tmp_path / "out", formats=["pdf", "html"])
    text = " ".join(pdf_text(built.outputs[0]).split())
    assert "SKILLS Rust · C++" in text  # the theme's own template
    assert "Tongji University Shanghai, China" in text  # classic's entries, inherited
    assert near(rendered_pixels(built.outputs[0], dpi=100), (11, 83, 148)) > 100  # its colour
    assert "<li>Rust</li>" in built.outputs[2].read_text(encoding="utf-8")  # classic's page


def test_a_theme_extending_itself_is_refused(tmp_path):
    from bibcv.theme import load_theme

    for name, parent in (("a", "b"), ("b", "a")):
        (tmp_path / name).mkdir()
        write(tmp_path / name / "theme.yaml", f"extends: ../{parent}\n")
    with pytest.raises(BibcvError, match="which extends it again"):
        load_theme(tmp_path / "a")


def test_a_theme_extending_another_changes_a_contact_kind_by_what_it_writes(tmp_path):
    from bibcv.theme import ContactKind, load_theme

    write(tmp_path / "theme.yaml", "extends: classic\n"
          "contact: {email: {label: Mail}, phone: {icon: null}, matrix: {label: Matrix}}\n")
    contact = load_theme(tmp_path).contact
    assert contact["email"] == ContactKind(icon="F0E0", label="Mail", link="mailto:{value}")
    assert contact["phone"] == ContactKind()  # a key written empty clears the inherited one
    assert contact["github"].link == "https://github.com/{value}"  # not written: classic's
    assert list(contact)[-1] == "matrix" and contact["matrix"] == ContactKind(label="Matrix")


def test_bibcv_themes_lists_every_built_in_theme():
    from click.testing import CliRunner

    from bibcv.cli import main
    from bibcv.theme import builtin_themes

    lines = CliRunner().invoke(main, ["themes"]).output.splitlines()
    assert [line.split()[0] for line in lines] == builtin_themes()
    assert all(len(line.split()) > 3 for line in lines)  # each with its description


def test_a_build_depends_on_the_files_of_a_theme_it_extends(tmp_path):
    from bibcv.document import load_document

    (tmp_path / "parent" / "sections").mkdir(parents=True)
    (tmp_path / "child").mkdir()
    write(tmp_path / "parent" / "theme.yaml",
          "extends: classic\ndesign: {header: left, margins: {top: 1cm, left: 3cm}}\n")
    write(tmp_path / "parent" / "sections" / "bullets.tex.j2", "((* for i in section.items *))"
          "<< i.text >> ((* endfor *))\\par\n")
    write(tmp_path / "child" / "theme.yaml",
          "extends: ../parent\ndesign: {header: right, margins: {top: 2cm}}\n")
    cv = write(tmp_path / "cv.yaml", "theme: child\nperson: {name: Ada Lovelace}\n")
    document = load_document(cv)
    assert document.cv.design.header == "right"  # the child's default wins over its parent's
    # and margins merge side by side, as a CV's over its theme's
    assert (document.cv.design.margins.top, document.cv.design.margins.left) == ("2cm", "3cm")
    assert document.theme.ancestors == ("parent", "classic")
    files = set(document.inputs.all_files())
    assert {tmp_path / "parent" / "theme.yaml",
            tmp_path / "parent" / "sections" / "bullets.tex.j2"} <= files
    assert not any("themes/classic" in str(path) for path in files)  # built in: bibcv's own


@pytest.mark.parametrize("theme", [theme for theme in builtin_themes() if theme != "classic"])
def test_every_theme_places_the_photo_in_its_pdf_and_page(tmp_path, theme):
    sideways_photo(tmp_path / "me.jpg")
    cv = write(tmp_path / "cv.yaml", f"""\
        theme: {theme}
        person: {{name: Ada Lovelace, contact: {{email: ada@example.org}}}}
        sections:
          skills: {{title: Skills, layout: bullets, items: [{{text: Engines}}]}}
        design: {{photo: me.jpg}}
        """)
    pdf, _tex, page = build_cv(cv, tmp_path / "out", formats=["pdf", "html"]).outputs[:3]
    listing = subprocess.run(["pdfimages", "-list", str(pdf)], capture_output=True, text=True,
                             check=True).stdout.splitlines()[2:]
    assert [line.split()[2] for line in listing] == ["image", "smask"]
    assert page.read_text(encoding="utf-8").count('<img class="photo round" src="data:') == 1


def test_a_theme_whose_font_is_missing_is_blamed_at_its_line(tmp_path):
    (tmp_path / "mine").mkdir()
    write(tmp_path / "mine" / "theme.yaml", "extends: classic\ndesign:\n  font: No Such Font\n")
    (tmp_path / "child").mkdir()  # one that extends it and names no font: the same line
    write(tmp_path / "child" / "theme.yaml", "extends: ../mine\ndesign: {header: left}\n")
    for theme in ("mine", "child"):
        cv = write(tmp_path / "cv.yaml", f"theme: {theme}\nperson: {{name: Ada Lovelace}}\n")
        with pytest.raises(BibcvError) as caught:
            build_cv(cv, tmp_path / "out")
        assert str(caught.value).startswith(
            f"{tmp_path / 'mine' / 'theme.yaml'}:3: the font 'No Such Font' is not installed")
