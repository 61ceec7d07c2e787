""".bib bytes to text: any file BibTeX reads is read, whatever its encoding.

BibTeX reads bytes and never refuses one; biber reads UTF-8 unless told
otherwise (``--input-encoding``).  Files from the 1990s and 2000s, and
reference managers' files, are often Latin-1 or Windows-1252; JabRef says so
on a first line (``% Encoding: windows-1252``, or Java's names ``Cp1252`` and
``ISO8859_1``).  The encoding used is, in this order: the one the CV gives for
the file, the one the file declares, UTF-8, and otherwise Windows-1252 with a
warning that names the first line that is not UTF-8.  Windows-1252 is
Latin-1 with printable characters where Latin-1 has invisible control codes
(0x80-0x9F), so it reads both, and a file said to be Latin-1 is read as
Windows-1252 (as web browsers read it).  Japanese files for pBibTeX are
recognised by what Windows-1252 cannot hold: ISO-2022-JP's escapes and
Shift_JIS's lead bytes.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

FALLBACK = "cp1252"  # Windows-1252, as Python names it
# JabRef's header, in its first lines: "% Encoding: UTF-8" (JabRef 2.0 wrote it without the %).
_DECLARED = re.compile(rb"\A(?:[ \t]*%?[^\n@]*\n){0,4}?[ \t]*%?[ \t]*Encoding:[ \t]*([\w.:-]+)",
                       re.IGNORECASE)


# Python's codec and error handler for an encoding a file declares (strict unless here).
_CODECS = {"utf-8": ("utf-8-sig",), FALLBACK: (FALLBACK, "replace")}
# Bytes Windows-1252 leaves unassigned: they never occur in its text, but Shift_JIS (the
# Japanese files pBibTeX reads) starts most of its characters with them.
_UNASSIGNED = re.compile(rb"[\x81\x8d\x8f\x90\x9d]")
_JIS_ESCAPE = b"\x1b$"  # ISO-2022-JP switches to Japanese with ESC $ B (7-bit, so UTF-8-valid)


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str  # the codec the text was decoded with
    warning: str = ""  # what the reader should hear about the encoding, if anything
    line: int = 0  # the line the warning is about


def text_encoding(name: str) -> str | None:
    """Python's name for an encoding of text (``Cp1252`` -> cp1252), or None."""
    try:
        info = codecs.lookup(name)
    except LookupError:
        return None
    return info.name if getattr(info, "_is_text_encoding", True) else None


def decode_bib(content: bytes, encoding: str | None = None) -> Decoded:
    """The text of a .bib file: in the given encoding, the declared one, UTF-8 or Windows-1252."""
    declared = _DECLARED.match(content[:1000])
    chosen, told = encoding, "the CV says"
    if chosen is None and declared:
        chosen, told = declared.group(1).decode("ascii"), "the file's first lines say"
    problem = ""
    if chosen is not None:
        codec = text_encoding(chosen)
        if codec is None:
            problem = f"{told} the encoding is {chosen!r}, which Python does not know"
        else:
            codec = FALLBACK if codec == "iso8859-1" else codec  # as web browsers read it
            try:
                return Decoded(content.decode(*_CODECS.get(codec, (codec,))), codec)
            except UnicodeDecodeError as error:
                problem = (f"{told} the encoding is {chosen!r}, but byte "
                           f"0x{content[error.start]:02X} is not {codec} text")
    if _JIS_ESCAPE in content:
        japanese = _decoded_as(content, "iso2022_jp", problem, content.index(_JIS_ESCAPE))
        if japanese is not None:
            return japanese
    try:
        return Decoded(content.decode("utf-8-sig"), "utf-8",
                       f"{problem}; read as UTF-8" if problem else "")
    except UnicodeDecodeError as error:
        first = error.start
    unassigned = _UNASSIGNED.search(content)
    if unassigned:
        japanese = _decoded_as(content, "cp932", problem, unassigned.start())
        if japanese is not None:
            return japanese
    return _decoded_as(content, FALLBACK, problem, first)  # type: ignore[return-value]


_NAMES = {"iso2022_jp": "ISO-2022-JP (Japanese)", "cp932": "Shift_JIS (Japanese)",
          FALLBACK: "Windows-1252 (Latin-1)"}


def _decoded_as(content: bytes, codec: str, problem: str, first: int) -> Decoded | None:
    """The file in a guessed encoding, with the warning naming its first line not in UTF-8."""
    try:
        text = content.decode(*_CODECS.get(codec, (codec,)))
    except UnicodeDecodeError:
        return None
    line = content.count(b"\n", 0, first) + 1
    because = f"{problem}, and the file is not UTF-8 either" if problem else (
        f"the file is not UTF-8 (byte 0x{content[first]:02X} on line {line})")
    lost = " (its bytes 0x81, 0x8D, 0x8F, 0x90, 0x9D, which stand for no character, as �)" \
        if codec == FALLBACK and _UNASSIGNED.search(content) else ""
    return Decoded(text, codec, (
        f"{because}; it is read as {_NAMES[codec]}{lost}, as BibTeX reads such files. If that "
        "is wrong, save the file as UTF-8, or name its encoding: a first line '% Encoding: "
        "latin-1', or 'encoding' beside the file in the CV's bibliography list"), line)
