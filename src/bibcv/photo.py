"""A CV's photo, made ready for the page: upright, square, round if asked, and small.

Pillow reads the image because a photo from a phone is usually stored sideways
with an EXIF orientation tag (eight cases, four of them mirrored) that neither
XeTeX's image reader nor a data: URI's consumers may honour alike; turning the
pixels upright once here makes the PDF and the web page agree.  The result is
one file's bytes: the PDF's compile folder gets a copy, the web page a data:
URI (it stays self-contained).  Pillow is imported only when a CV has a photo.
"""

from __future__ import annotations

import base64
import io
from dataclasses import dataclass

from bibcv.errors import BibcvError
from bibcv.model import PhotoChoice

SIDE_PIXELS = 480  # 4 cm at 300 dpi: sharp in print, small in the page
_SUPERSAMPLE = 4  # the round mask is drawn larger and scaled down, for a smooth edge


@dataclass(frozen=True)
class PreparedPhoto:
    data: bytes
    mime: str  # image/png (round: the corners are transparent) or image/jpeg
    shape: str  # round or square

    @property
    def file_name(self) -> str:
        return "photo.png" if self.mime == "image/png" else "photo.jpg"

    @property
    def data_uri(self) -> str:
        return f"data:{self.mime};base64,{base64.b64encode(self.data).decode('ascii')}"


def prepare_photo(choice: PhotoChoice) -> PreparedPhoto:
    """Upright as its EXIF orientation says, the middle square of it, at most SIDE_PIXELS."""
    from PIL import Image, ImageDraw, ImageOps, UnidentifiedImageError

    try:
        with Image.open(choice.path) as opened:
            image = ImageOps.exif_transpose(opened).convert("RGB")
    except (UnidentifiedImageError, OSError, ValueError) as error:
        raise BibcvError(f"the photo {choice.path.name!r} cannot be read as an image "
                         f"({error}); give a JPEG or PNG file", choice.origin) from None
    side = min(image.size)
    left, top = (image.width - side) // 2, (image.height - side) // 2
    image = image.crop((left, top, left + side, top + side))
    if side > SIDE_PIXELS:
        image = image.resize((SIDE_PIXELS, SIDE_PIXELS), Image.Resampling.LANCZOS)
    output = io.BytesIO()
    if choice.shape == "round":
        size = image.width * _SUPERSAMPLE
        mask = Image.new("L", (size, size), 0)
        ImageDraw.Draw(mask).ellipse((0, 0, size - 1, size - 1), fill=255)
        image.putalpha(mask.resize(image.size, Image.Resampling.LANCZOS))
        image.save(output, format="PNG", optimize=True)
        return PreparedPhoto(output.getvalue(), "image/png", "round")
    image.save(output, format="JPEG", quality=88, optimize=True)
    return PreparedPhoto(output.getvalue(), "image/jpeg", "square")
