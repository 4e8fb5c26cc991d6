"""Evidence files (证据材料): checked by their bytes and size, images re-encoded bare.

DESIGN.md §3: "Uploaded images are re-encoded to drop metadata" — a phone photo's EXIF
block carries the GPS position and the device of the reporter. The real type is sniffed
from the content; neither the file name nor the client's content type is trusted. Used by
the public portal and by the officers' registration alike.
"""

from __future__ import annotations

import hashlib
import io
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from PIL import Image, ImageOps, UnidentifiedImageError

from qingfeng.intake.models import Attachment, Message, Report

LABEL = "证据材料"
# A decoded image may hold at most this many pixels (a 50-megapixel phone photo fits;
# a "decompression bomb" of a few KB that unpacks to gigabytes does not).
MAX_IMAGE_PIXELS = 64_000_000
JPEG_QUALITY = 85

_PDF = "application/pdf"


@dataclass(frozen=True)
class CleanFile:
    """An accepted upload: the bytes to store (re-encoded for images) and what they are."""

    content: bytes
    content_type: str
    extension: str
    sha256: str

    @property
    def size(self) -> int:
        return len(self.content)


def _sniff(head: bytes) -> str | None:
    """The format named by the file's magic bytes, or None."""
    if head.startswith(b"\xff\xd8\xff"):
        return "JPEG"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "PNG"
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "GIF"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "WEBP"
    if head.startswith(b"%PDF-"):
        return "PDF"
    return None


def _display_name(f: UploadedFile) -> str:
    name = (f.name or "").rsplit("/", 1)[-1]
    return name if len(name) <= 40 else name[:37] + "…"


def _megabytes(n: int) -> str:
    return f"{n / (1024 * 1024):g} MB"


def clean_upload(f: UploadedFile) -> CleanFile:
    """Accept one evidence file: size limit, real type from the bytes, images re-encoded.

    JPEG/PNG/WebP/GIF (first frame) are decoded with Pillow (bounded pixel count), turned
    upright by their EXIF orientation and written again without any metadata (EXIF GPS,
    XMP, ICC, comments): JPEG at quality 85, or PNG when the picture has transparency or
    came as PNG/GIF. PDF is kept as is. Anything else is refused (DESIGN.md §3).
    """
    name = _display_name(f)
    limit = settings.PORTAL_MAX_FILE_BYTES
    if f.size is not None and f.size > limit:
        raise ValidationError(
            {"files": f"{LABEL}“{name}”超过 {_megabytes(limit)}，请压缩或分开提交"}
        )
    f.seek(0)
    data = f.read(limit + 1)
    if len(data) > limit:
        raise ValidationError(
            {"files": f"{LABEL}“{name}”超过 {_megabytes(limit)}，请压缩或分开提交"}
        )
    if not data:
        raise ValidationError({"files": f"{LABEL}“{name}”是空文件"})
    kind = _sniff(data[:16])
    if kind is None:
        raise ValidationError(
            {"files": f"{LABEL}“{name}”的格式不支持：只接受 JPG、PNG、WebP、GIF 图片和 PDF 文件"}
        )
    if kind == "PDF":
        return CleanFile(data, _PDF, ".pdf", hashlib.sha256(data).hexdigest())
    return _reencode(data, kind, name)


def _reencode(data: bytes, kind: str, name: str) -> CleanFile:
    broken = ValidationError({"files": f"{LABEL}“{name}”不是有效的图片，或图片已损坏"})
    too_big = ValidationError(
        {"files": f"{LABEL}“{name}”的像素过多（超过 {MAX_IMAGE_PIXELS // 1_000_000} 百万像素）"}
    )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            img: Any = Image.open(io.BytesIO(data), formats=[kind])
            width, height = img.size
            if width * height > MAX_IMAGE_PIXELS:
                raise too_big
            img.seek(0)  # GIF / animated WebP: the first frame only
            img.load()
            img = ImageOps.exif_transpose(img)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise too_big from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError):
        raise broken from None

    has_alpha = img.mode in ("RGBA", "LA", "PA") or (img.mode == "P" and "transparency" in img.info)
    out = io.BytesIO()
    if kind == "JPEG" or (kind == "WEBP" and not has_alpha):
        bare = img.convert("RGB")
        # No exif=, icc_profile= or comment: the new file carries pixels only.
        bare.save(out, format="JPEG", quality=JPEG_QUALITY, optimize=True)
        content_type, extension = "image/jpeg", ".jpg"
    else:
        bare = img.convert("RGBA" if has_alpha else "RGB")
        bare.save(out, format="PNG")
        content_type, extension = "image/png", ".png"
    content = out.getvalue()
    return CleanFile(content, content_type, extension, hashlib.sha256(content).hexdigest())


def store_attachments(
    *,
    report: Report,
    files: Sequence[UploadedFile | CleanFile],
    from_reporter: bool,
    actor: Any = None,
    message: Message | None = None,
) -> list[Attachment]:
    """Check every file first, then store them all on ``report`` (and ``message``).

    At most ``PORTAL_MAX_FILES`` per submission; a single bad file refuses the lot with
    ``ValidationError({"files": ...})`` before anything is written (DESIGN.md §3 "Nothing
    is lost": no half-saved submission). Files written to storage are removed again if
    the database write fails here.
    """
    files = [f for f in files if f is not None]
    limit = settings.PORTAL_MAX_FILES
    if len(files) > limit:
        raise ValidationError(
            {"files": f"{LABEL}每次最多上传 {limit} 个文件（当前 {len(files)} 个）"}
        )
    cleaned = [f if isinstance(f, CleanFile) else clean_upload(f) for f in files]
    uploader = actor if getattr(actor, "is_authenticated", False) else None
    stored: list[Attachment] = []
    try:
        with transaction.atomic():
            for c in cleaned:
                attachment = Attachment(
                    report=report,
                    message=message,
                    content_type=c.content_type,
                    extension=c.extension,
                    size=c.size,
                    sha256=c.sha256,
                    from_reporter=from_reporter,
                    uploaded_by=uploader,
                )
                # The stored name comes from attachment_path (hash + extension), never
                # from the uploaded name, which may carry the reporter's name.
                attachment.file.save("upload" + c.extension, ContentFile(c.content), save=False)
                stored.append(attachment)
                attachment.save()
    except BaseException:
        delete_stored_files(stored)
        raise
    return stored


def delete_stored_files(attachments: Sequence[Attachment]) -> None:
    """Remove the stored files of attachments whose rows were rolled back."""
    for a in attachments:
        if a.file and a.file.name:
            a.file.storage.delete(a.file.name)
