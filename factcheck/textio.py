"""Reading user text files safely (encodings, document formats, sizes), checking output paths before work,
and writing files atomically."""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import re
import tempfile
from html import parser as html_parser
from pathlib import Path
from typing import Any, Iterator

from factcheck.errors import InputError

__all__ = [
    "read_text",
    "decode_text",
    "looks_binary",
    "sniff_format",
    "utf16_encoding",
    "json_object",
    "atomic_write",
    "atomic_write_text",
    "atomic_dir",
    "check_output",
    "check_outputs",
    "visible_text",
    "MAX_TEXT_BYTES",
]

MAX_TEXT_BYTES = 20 * 1024 * 1024  # 20 MB: far beyond any article, small enough to fail fast

# File signatures of formats that are not text: a PDF or DOCX of an article must not be read as its text.
_SIGNATURES = (
    (b"%PDF-", "a PDF document"),
    (b"PK\x03\x04", "a ZIP archive (e.g. .docx, .odt, .epub)"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old Microsoft Office document (.doc, .xls)"),
    (b"{\\rtf", "an RTF document"),
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"BZh", "a bzip2 archive"),
    (b"\xfd7zXZ\x00", "an xz archive"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"SQLite format 3\x00", "an SQLite database"),
    (b"\x7fELF", "an executable"),
)
_BOMS = ((b"\xff\xfe\x00\x00", "utf-32"), (b"\x00\x00\xfe\xff", "utf-32"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16"))
_TMP_NAME = re.compile(r"[a-z0-9_]{8}\.tmp")  # tempfile.mkstemp's random part, then our suffix


def looks_binary(data: bytes) -> bool:
    """Tells whether a byte string looks like binary data (NUL bytes or many control bytes)."""
    sample = data[:8192]
    if b"\x00" in sample:
        return True
    control = sum(1 for b in sample if b < 9 or 13 < b < 32)
    return bool(sample) and control / len(sample) > 0.05


def sniff_format(data: bytes) -> str | None:
    """Names a known non-text format from the first bytes (PDF, ZIP/DOCX, images, archives), else None."""
    head = data[:16]
    return next((name for magic, name in _SIGNATURES if head.startswith(magic)), None)


def utf16_encoding(data: bytes) -> str | None:
    """The UTF-16/32 codec of text that starts with its byte-order mark, or of BOM-less UTF-16 whose
    every other byte is NUL (mostly-ASCII text saved as UTF-16); else None."""
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return codec
    sample = data[:8192] if len(data) % 2 == 0 else b""
    if len(sample) >= 4:
        even, odd = sample[0::2], sample[1::2]
        if odd.count(0) > 0.9 * len(odd) and even.count(0) == 0:
            return "utf-16-le"
        if even.count(0) > 0.9 * len(even) and odd.count(0) == 0:
            return "utf-16-be"
    return None


def decode_text(data: bytes, where: str) -> str:
    """Decodes user text: UTF-8 (BOM allowed) or UTF-16/32; raises InputError naming `where` for a
    document format (PDF, DOCX, image), binary data or undecodable bytes."""
    kind = sniff_format(data)
    if kind:
        raise InputError(f"{where}: is {kind}, not text; save its text as a .txt, .md, .html or .jsonl file and pass that")
    codec = utf16_encoding(data)
    if codec:
        try:
            return data.decode(codec).lstrip("\ufeff")
        except UnicodeDecodeError:
            raise InputError(f"{where}: looks like {codec.upper()} text but does not decode; re-save it as UTF-8") from None
    if looks_binary(data):
        raise InputError(f"{where}: looks like a binary file, not text; pass a .txt, .md, .html or .jsonl file")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{where}: not valid UTF-8 (byte {exc.start}); re-save it as UTF-8, e.g. iconv -f latin1 -t utf-8"
        ) from None


def read_text(path: str | Path, max_bytes: int = MAX_TEXT_BYTES) -> str:
    """Reads a text file as UTF-8 (BOM allowed) or UTF-16, raising InputError for missing, binary,
    document-format, undecodable or oversized files."""
    path = Path(path)
    if not path.exists():
        raise InputError(f"{path}: no such file; check the path")
    if path.is_dir():
        raise InputError(f"{path}: is a folder, expected a file")
    size = path.stat().st_size
    if size > max_bytes:
        raise InputError(
            f"{path}: file is {size / 1e6:.1f} MB, over the {max_bytes / 1e6:.0f} MB limit; split it into smaller files"
        )
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: cannot be read ({exc.strerror}); check its permissions") from None
    return decode_text(data, str(path))


def json_object(text: str | bytes, where: str) -> dict[str, Any]:
    """Parses one JSON object (a JSONL line); otherwise an InputError that names `where` (file:line)."""
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"{where}: not valid JSON ({exc.msg}); write one JSON object per line") from None
    except RecursionError:
        raise InputError(f"{where}: JSON nested too deeply; write one flat JSON object per line") from None
    if not isinstance(value, dict):
        raise InputError(f"{where}: expected a JSON object, got {type(value).__name__}")
    return value


def check_output(path: str | Path, option: str = "-o", inputs: tuple[str | Path, ...] = ()) -> None:
    """Fails fast, before any work, when a file cannot be written to `path`: it names a folder, an
    input of the same run, or lies in a folder that cannot be created or written."""
    path = Path(path)
    if path.is_dir():
        raise InputError(f"{option} {path}: is a folder; give a file name, e.g. {path / 'report.jsonl'}")
    for given in inputs:
        if _same_file(path, Path(given)):
            raise InputError(f"{option} {path}: is also the input file; writing it would destroy the input, choose another name")
    folder = _existing_parent(path.parent)
    if not folder.is_dir():
        raise InputError(f"{option} {path}: {folder} is a file, not a folder; choose another output path")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise InputError(f"{option} {path}: folder {folder} is not writable; choose another output path")


def check_outputs(outputs: dict[str, str | Path | None], inputs: tuple[str | Path, ...] = ()) -> None:
    """Checks every output of a command (option -> path) and that no two name the same file."""
    seen: dict[Path, str] = {}
    for option, path in outputs.items():
        if path is None:
            continue
        check_output(path, option, inputs)
        key = Path(os.path.abspath(path))
        if key in seen:
            raise InputError(f"{option} {path}: {seen[key]} writes the same file; give each output its own name")
        seen[key] = option


def _same_file(a: Path, b: Path) -> bool:
    """Tells whether two paths name the same file (through links and relative paths too)."""
    try:
        return a.exists() and b.exists() and os.path.samefile(a, b)
    except OSError:
        return os.path.abspath(a) == os.path.abspath(b)


def _existing_parent(folder: Path) -> Path:
    """The nearest existing ancestor of a folder (itself when it exists): where new folders would be made."""
    folder = Path(os.path.abspath(folder))
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    return folder


def _new_file_mode(path: Path) -> int:
    """The mode a file written at `path` should get: the existing file's, else 0o666 less the umask."""
    with contextlib.suppress(OSError):
        return path.stat().st_mode & 0o7777
    return 0o666 & ~_umask()


def _umask() -> int:
    """The process umask, read from /proc where possible (setting it to read it is not thread-safe)."""
    with contextlib.suppress(OSError, ValueError):
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _remove_stale_temps(path: Path) -> None:
    """Deletes temporary files that interrupted writes of `path` left behind; a temp file a live writer
    still holds is locked, and kept."""
    prefix = f".{path.name}."
    with contextlib.suppress(OSError):
        for entry in os.scandir(path.parent):
            if not (entry.name.startswith(prefix) and _TMP_NAME.fullmatch(entry.name[len(prefix):])):
                continue
            with contextlib.suppress(OSError), open(entry.path, "rb") as handle:
                try:
                    fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:
                    continue  # another process is writing it right now
                os.unlink(entry.path)


@contextlib.contextmanager
def atomic_write(path: str | Path, mode: str = "w", encoding: str | None = "utf-8") -> Iterator:
    """Opens a temporary file beside `path` and renames it over `path` only if the block succeeds.
    The file gets the mode a plain write would give it; leftovers of killed writes are removed."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = _locked_temp(path)
    try:
        os.fchmod(fd, _new_file_mode(path))
        with os.fdopen(fd, mode, encoding=None if "b" in mode else encoding) as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
            os.replace(tmp, path)  # still locked: no cleaner can take the file before it has its name
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    _remove_stale_temps(path)


def _locked_temp(path: Path) -> tuple[int, str]:
    """A new temporary file beside `path`, locked (a lock marks it as in use for _remove_stale_temps)."""
    while True:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        fcntl.flock(fd, fcntl.LOCK_EX)
        if os.fstat(fd).st_nlink:  # not removed by a cleaner between its creation and the lock
            return fd, tmp
        os.close(fd)


def atomic_write_text(path: str | Path, text: str) -> None:
    """Writes a whole text file atomically."""
    with atomic_write(path) as handle:
        handle.write(text)


@contextlib.contextmanager
def atomic_dir(path: str | Path) -> Iterator[Path]:
    """Yields a fresh temporary folder beside `path` to fill; once the block succeeds it replaces `path`
    (an earlier folder is moved aside, then removed), else it is removed and `path` is left as it was."""
    import shutil

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{path.name}.", suffix=".tmpdir", dir=path.parent))
    tmp.chmod(0o777 & ~_umask())
    try:
        yield tmp
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    old = path.with_name(f".{path.name}.old")
    shutil.rmtree(old, ignore_errors=True)
    if path.exists():
        os.replace(path, old)
    os.replace(tmp, path)
    shutil.rmtree(old, ignore_errors=True)


_SKIPPED_TAGS = {"script", "style", "noscript", "template", "head", "svg", "nav", "footer", "aside"}
_BLOCK_TAGS = {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "section", "article", "blockquote", "pre"}


class _VisibleText(html_parser.HTMLParser):
    """Collects the visible text of an HTML page, with line breaks at block elements; no tree, no depth limit."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag in _SKIPPED_TAGS:
            self.skipping.append(tag)
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if self.skipping and tag == self.skipping[-1]:
            self.skipping.pop()
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.parts.append(data)


def visible_text(html: str) -> str:
    """The visible text of an HTML page, one paragraph per line: the fallback when the main-text extractor
    finds nothing (e.g. elements nested deeper than the 255 levels lxml parses)."""
    parser = _VisibleText()
    parser.feed(html)
    parser.close()
    lines = (" ".join(line.split()) for line in "".join(parser.parts).split("\n"))
    return "\n\n".join(line for line in lines if line)
