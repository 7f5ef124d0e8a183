"""Our pages as PDF with WeasyPrint, fetching nothing but their own stylesheet: the handover report
(ledger/handover_pdf.py) and the monthly reports (ledger/report_document.py). The url_fetcher serves
the one stylesheet the caller names and refuses every other address (http, https, data, another
file), so nothing in a report — a school's text, a name — can reach the network or the disk."""
from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlsplit


class Refused(OSError):
    """An address the PDF renderer does not fetch."""


def fetcher(stylesheet: Path):
    allowed = stylesheet.resolve()

    def local_only(url: str, *args, **kwargs) -> dict:
        parts = urlsplit(url)
        if parts.scheme == "file" and Path(unquote(parts.path)).resolve() == allowed:
            return {"string": allowed.read_bytes(), "mime_type": "text/css", "redirected_url": url}
        raise Refused(f"the PDF fetches nothing from {url[:80]!r}")

    return local_only


def render_pdf(html: str, stylesheet: Path) -> bytes:
    """The page as PDF bytes. WeasyPrint is imported here, not at import time: it loads Pango, which
    only the PDF routes need."""
    from weasyprint import HTML

    return HTML(string=html, base_url=stylesheet.parent.as_uri() + "/", url_fetcher=fetcher(stylesheet)).write_pdf()
