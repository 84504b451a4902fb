"""Raster images as uploaded files: what their bytes are, whether they are sound, and
their location and camera metadata cut out.

`sniff` tells PNG, JPEG, GIF and WebP apart by their magic numbers. `checked`
has Pillow verify and then decode the image, refusing more than a given
number of pixels before decoding (a decompression bomb never expands), and
refuses files that are something else as well (bytes after the image's end,
markup or script in its text chunks: polyglots). Metadata is removed from
the file's own structure (JPEG APP1 segments, PNG eXIf and XMP chunks, WebP
EXIF and XMP chunks), so the pixels are never re-encoded; a file without
metadata comes back as the very same bytes.
"""

import io
import re
import struct
import warnings

from django.utils.translation import gettext as _
from PIL import Image

CONTENT_TYPES = {"png": "image/png", "jpg": "image/jpeg", "gif": "image/gif", "webp": "image/webp"}
PILLOW_FORMATS = {"png": "PNG", "jpg": "JPEG", "gif": "GIF", "webp": "WEBP"}
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
# What a browser could run or render as a page, anywhere in an image's bytes...
ACTIVE = re.compile(rb"<\s*(script|html|body|iframe|svg|object|embed)\b|javascript:", re.I)
# ... and in the text it carries (a comment closed by "*/" makes a GIF/JS polyglot).
ACTIVE_TEXT = re.compile(ACTIVE.pattern + rb"|\*/", re.I)


class BadImage(ValueError):
    """Not a sound image: damaged, truncated, or carrying something else."""


class TooManyPixels(BadImage):
    """More pixels than allowed: a decompression bomb, or simply too large."""


def sniff(data):
    """ "png", "jpg", "gif" or "webp" from the first bytes of `data`, or None."""
    if data.startswith(PNG_SIGNATURE):
        return "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpg"
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return "gif"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    return None


def damaged():
    return BadImage(_("This image is damaged or incomplete: save it again and upload it anew."))


def checked(data, kind, max_pixels):
    """`data` (an image of `kind`) without metadata, once Pillow decoded it; raises
    TooManyPixels past `max_pixels`, BadImage for anything else wrong."""
    data = STRIP[kind](data)
    decode(data, kind, max_pixels)
    return data


def decode(data, kind, max_pixels):
    """Have Pillow verify and fully decode the image (each frame's size counted)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=[PILLOW_FORMATS[kind]]) as image:
                width, height = image.size
                frames = getattr(image, "n_frames", 1)
                if width * height * frames > max_pixels:
                    raise too_many(width, height, max_pixels)
                image.verify()
            with Image.open(io.BytesIO(data), formats=[PILLOW_FORMATS[kind]]) as image:
                image.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise TooManyPixels(
            _(
                "This image has too many pixels: at most %(megapixels)s megapixels are allowed. "
                "Make it smaller and upload it again."
            )
            % {"megapixels": round(max_pixels / 1e6, 1)}
        ) from exc
    except BadImage:
        raise
    except Exception as exc:
        # Pillow's decoders raise many kinds of errors on crafted files (OSError,
        # SyntaxError, ValueError, IndexError...): each means the image is not sound.
        raise damaged() from exc


def too_many(width, height, max_pixels):
    return TooManyPixels(
        _(
            "This image is %(width)s by %(height)s pixels: at most %(megapixels)s megapixels "
            "are allowed. Make it smaller and upload it again."
        )
        % {"width": width, "height": height, "megapixels": round(max_pixels / 1e6, 1)}
    )


def refuse_active(data, text=True):
    """Refuse `data` (an image's text, or with text=False any of its bytes) when it
    carries markup or script."""
    if (ACTIVE_TEXT if text else ACTIVE).search(data):
        raise BadImage(
            _("This image also carries markup or script, which is not allowed: export it again.")
        )


def trailing():
    return BadImage(
        _("This file has data after the end of its image, which is not allowed: export it again.")
    )


# -- PNG ---------------------------------------------------------------------------------
def png_chunks(data):
    """[(type, start, end)] of a PNG's chunks (start..end spans length, type, data and CRC)."""
    position, found = len(PNG_SIGNATURE), []
    while True:
        if position + 8 > len(data):
            raise damaged()
        (length,) = struct.unpack(">I", data[position : position + 4])
        kind = data[position + 4 : position + 8]
        end = position + 12 + length
        if end > len(data):
            raise damaged()
        found.append((kind, position, end))
        if kind == b"IEND":
            if end != len(data):
                raise trailing()
            return found
        position = end


PNG_TEXT = {b"tEXt", b"zTXt", b"iTXt"}


def strip_png(data):
    """The PNG without its eXIf chunk and XMP text; refuses text chunks with markup."""
    kept, dropped = [], False
    for kind, start, end in png_chunks(data):
        body = data[start + 8 : end - 4]
        if kind == b"eXIf" or (kind in PNG_TEXT and body.startswith(b"XML:com.adobe.xmp\0")):
            dropped = True
            continue
        if kind in PNG_TEXT:
            refuse_active(body)
        kept.append(data[start:end])
    return PNG_SIGNATURE + b"".join(kept) if dropped else data


# -- JPEG --------------------------------------------------------------------------------
ORIENTATION = 0x0112


def orientation_segment(exif_body):
    """An APP1 segment with only the orientation of the EXIF data `exif_body` (b"Exif..."),
    or b"" when it has none but upright: the image keeps the way up it is shown."""
    exif = Image.Exif()
    try:
        exif.load(exif_body)
    except (OSError, SyntaxError, ValueError, struct.error):
        return b""
    orientation = exif.get(ORIENTATION, 1)
    if orientation not in range(2, 9):
        return b""
    kept = Image.Exif()
    kept[ORIENTATION] = orientation
    body = kept.tobytes()
    return b"\xff\xe1" + struct.pack(">H", len(body) + 2) + body


def strip_jpeg(data):
    """The JPEG without its APP1 segments (EXIF, with GPS, and XMP; an orientation other
    than upright is written back alone) and comments with markup; the entropy-coded data
    after the first scan is kept as it is."""
    position, kept, dropped = 2, [data[:2]], False
    while True:
        if position + 4 > len(data) or data[position] != 0xFF:
            raise damaged()
        marker = data[position + 1]
        if marker == 0xFF:  # fill byte
            position += 1
            continue
        (length,) = struct.unpack(">H", data[position + 2 : position + 4])
        end = position + 2 + length
        if end > len(data):
            raise damaged()
        if marker == 0xDA:  # start of scan: the rest is image data
            kept.append(data[position:])
            break
        if marker == 0xFE:
            refuse_active(data[position + 4 : end])
        if marker == 0xE1:
            dropped = True
            body = data[position + 4 : end]
            if body.startswith(b"Exif\0\0"):
                kept.append(orientation_segment(body))
        else:
            kept.append(data[position:end])
        position = end
    refuse_active(data[position:], text=False)
    return b"".join(kept) if dropped else data


# -- GIF ---------------------------------------------------------------------------------
def skip_sub_blocks(data, position):
    """The position after the data sub-blocks starting at `position`, and their content."""
    content = []
    while True:
        if position >= len(data):
            raise damaged()
        size = data[position]
        if size == 0:
            return position + 1, b"".join(content)
        content.append(data[position + 1 : position + 1 + size])
        position += 1 + size


GIF_TEXT = {0x01, 0xFE}  # plain text and comment extensions


def strip_gif(data):
    """The GIF as it is, once its blocks are walked: refused with data after its trailer,
    or comments or application data carrying markup or script."""
    if len(data) < 13:
        raise damaged()
    if data[6:8] == b"/*" or data[6:7] == b"=":
        # "GIF89a/*" or "GIF89a=": the start of a GIF that is also JavaScript.
        raise BadImage(_("This image is also a script, which is not allowed: export it again."))
    flags = data[10]
    position = 13 + (3 * 2 ** ((flags & 7) + 1) if flags & 0x80 else 0)
    while True:
        if position >= len(data):
            raise damaged()
        block = data[position]
        if block == 0x3B:  # trailer
            if position + 1 != len(data):
                raise trailing()
            return data
        if block == 0x21:  # extension: label, then sub-blocks
            label = data[position + 1] if position + 1 < len(data) else None
            position, content = skip_sub_blocks(data, position + 2)
            refuse_active(content, text=label in GIF_TEXT)
        elif block == 0x2C:  # image descriptor, local colour table, LZW code size, data
            if position + 10 > len(data):
                raise damaged()
            local = data[position + 9]
            position += 10 + (3 * 2 ** ((local & 7) + 1) if local & 0x80 else 0) + 1
            position, pixels = skip_sub_blocks(data, position)
            refuse_active(pixels, text=False)
        else:
            raise damaged()


# -- WebP --------------------------------------------------------------------------------
def strip_webp(data):
    """The WebP without its EXIF and XMP chunks (and their VP8X flags)."""
    (size,) = struct.unpack("<I", data[4:8])
    if size + 8 > len(data):
        raise damaged()
    if size + 8 < len(data):
        raise trailing()
    position, kept, dropped = 12, [], False
    while position < len(data):
        if position + 8 > len(data):
            raise damaged()
        kind = data[position : position + 4]
        (length,) = struct.unpack("<I", data[position + 4 : position + 8])
        end = position + 8 + length + (length & 1)
        if end > len(data):
            raise damaged()
        if kind in (b"EXIF", b"XMP "):
            dropped = True
        else:
            kept.append(bytearray(data[position:end]))
        position = end
    if not dropped:
        return data
    for chunk in kept:
        if chunk[:4] == b"VP8X":
            chunk[8] &= ~0x0C & 0xFF  # the EXIF and XMP flags
    body = b"WEBP" + b"".join(kept)
    return b"RIFF" + struct.pack("<I", len(body)) + body


STRIP = {"png": strip_png, "jpg": strip_jpeg, "gif": strip_gif, "webp": strip_webp}
