"""The Redis protocol (RESP) text of the store's commands, as bytes ready to send: pure.

Commands are packed by hiredis (C). The dedupe digests are the exception: ~one per event, each
sent twice (asked about with SMISMEMBER, then added with SADD), so their text is made once per
dedupe key and framed in one join, where packing each command cost ~0.3 µs a digest.
"""
from __future__ import annotations

from hiredis import pack_command

pack = pack_command


def integers(members: list[int]) -> bytes:
    """RESP bulk strings of integers, to follow a command's name and key (`with_members`)."""
    texts = list(map(str, members))
    if len(set(map(len, texts))) == 1:  # the usual: 64-bit digests mostly have one length
        head = f"${len(texts[0])}\r\n"
        return (head + ("\r\n" + head).join(texts) + "\r\n").encode()
    return "".join([f"${len(text)}\r\n{text}\r\n" for text in texts]).encode()


def with_members(name: str, key: str, count: int, members: bytes) -> bytes:
    """A command `name key member...` whose `count` members are `members` (`integers`)."""
    head = pack_command((name, key))  # "*2\r\n" + name + key: the array grows by the members
    return b"*%d%b%b" % (count + 2, head[2:], members)
