"""Control characters in the ledger's text: what a file shows for them, what an import does with
them, and how a message quotes them. Pure.

Why one policy: none of them can be seen, so nobody can fix what they bring; XML 1.0 (the inside
of an .xlsx) forbids the C0 controls but TAB, LF and CR, so openpyxl refuses the cell
(IllegalCharacterError) and one ESC in a hazard title made every download of that ledger fail;
PostgreSQL's text refuses NUL; and a terminal obeys the ESC and CSI sequences an error message
would print back from a file.

- **Files the product writes** (`pictured`): each C0 control but TAB, LF and CR, and DEL, becomes
  its Unicode control picture (U+2400–U+241F, U+2421: ␀ ␇ ␛ ␡). The picture and not U+FFFD: a
  reader sees which character the ledger holds and where, one for one, and a picture is an
  ordinary printable character no program acts on. A lone surrogate or the noncharacters U+FFFE
  and U+FFFF (no UTF-8 for the first, forbidden in XML for both; openpyxl writes them and the file
  no longer opens) become U+FFFD: there is no character left to show. The C1 controls
  (U+0080–U+009F) are legal in XML and CSV and are kept.
- **Imports**, by the kind of field (ledger/exchange.py): a one-line field (codes, names, people,
  units, choices, dates, figures) with any control character is a row error naming it: such a
  value is matched and searched, and an invisible difference makes two equal-looking codes
  differ. A free-text field (descriptions, measures, re-check results, hazard sources) is cleaned
  (`clean_free_text`): line breaks of any convention (CR LF, CR, VT and FF from Word, NEL) become
  LF, TAB stays, every other control is dropped. Text pasted from Word or another system carries
  them (Word's VT for a soft line break, BEL as a table's cell mark), and hunting an invisible
  character in a page of text helps no one; the import says which cells it cleaned.
- **Messages** (`one_line`): every control shown as its picture (TAB, LF and CR too, so one
  problem stays one line), C1 as U+FFFD, clipped.
"""
from __future__ import annotations

import re

# Each C0 control and DEL by its picture; TAB, LF and CR are legal in XML and CSV and kept in files.
_PICTURES = {code: chr(0x2400 + code) for code in range(0x20)} | {0x7F: "\u2421"}
_UNENCODABLE = {code: "\ufffd" for code in (*range(0xD800, 0xE000), 0xFFFE, 0xFFFF)}
_FILE_TABLE = {code: p for code, p in _PICTURES.items() if code not in (0x09, 0x0A, 0x0D)} | _UNENCODABLE
_LINE_TABLE = _PICTURES | _UNENCODABLE | {code: "\ufffd" for code in range(0x80, 0xA0)}
_FILE_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")
_LINE_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")

# Line breaks as Windows, old Mac, Word (VT: shift-enter; FF: page break) and EBCDIC (NEL) write them.
_BREAKS = {0x0D: "\n", 0x0B: "\n", 0x0C: "\n", 0x85: "\n"}
_CLEAN_TABLE = ({code: None for code in (*range(0x20), *range(0x7F, 0xA0)) if code not in (0x09, 0x0A)}
                | _BREAKS | _UNENCODABLE)

NAMES = ("NUL", "SOH", "STX", "ETX", "EOT", "ENQ", "ACK", "BEL", "BS", "TAB", "LF", "VT", "FF", "CR", "SO",
         "SI", "DLE", "DC1", "DC2", "DC3", "DC4", "NAK", "SYN", "ETB", "CAN", "EM", "SUB", "ESC", "FS", "GS",
         "RS", "US")


def pictured(text: str) -> str:
    """The text as a file may hold it: C0 controls but TAB/LF/CR, and DEL, as their pictures."""
    return text.translate(_FILE_TABLE) if _FILE_UNSAFE.search(text) else text


def first_control(text: str) -> tuple[int, str] | None:
    """Where the first control character (C0, DEL, C1; or an unencodable one) is, and which."""
    found = _LINE_UNSAFE.search(text)
    return (found.start(), found.group()) if found else None


def describe(char: str) -> str:
    """U+001B（ESC）: how a message names a control character."""
    code = ord(char)
    name = NAMES[code] if code < 0x20 else "DEL" if code == 0x7F else ""
    return f"U+{code:04X}" + (f"（{name}）" if name else "")


def clean_free_text(text: str) -> str:
    """Free text as the ledger keeps it: every line break as LF, TAB kept, other controls dropped."""
    if not _LINE_UNSAFE.search(text):
        return text
    return text.replace("\r\n", "\n").translate(_CLEAN_TABLE)


def one_line(text: str, limit: int = 60) -> str:
    """Text quoted in a one-line message: every control visible, at most `limit` characters."""
    if len(text) > limit:
        text = text[:limit - 1] + "…"
    return text.translate(_LINE_TABLE) if _LINE_UNSAFE.search(text) else text
