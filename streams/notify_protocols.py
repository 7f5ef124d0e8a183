"""The requests each provider documents, built without sending them (issue 16). Pure: tested alone.

- WeCom (企业微信) group robot: POST <webhook URL with ?key=…> {"msgtype": "text", "text": {"content": …}};
  success is {"errcode": 0}.
- DingTalk (钉钉) custom robot with 加签: POST <webhook URL>&timestamp=<ms>&sign=<urlencoded base64
  HMAC-SHA256(key=secret, msg="<ms>\\n<secret>")>, body {"msgtype": "text", "text": {"content": …}};
  success is {"errcode": 0}.
- Feishu (飞书) custom bot: POST <webhook URL> {"timestamp": "<s>", "sign": <base64 HMAC-SHA256(
  key="<s>\\n<secret>", msg=b"")>, "msg_type": "text", "content": {"text": …}} (timestamp and sign only
  with a signature key); success is {"code": 0} (older bots: {"StatusCode": 0}).
- SMS gateway: the school's URL template (and body template for POST) with {phone}, {text} and
  {secret} put in, URL-encoded in a URL or form body, JSON-escaped in a JSON body; success is a 2xx
  answer (and `ok_contains` in it, when the provider answers 200 for errors too).
- Webhook: POST <url> with our JSON; `Idempotency-Key` is the outbox row's dedupe key, and with a
  signing key `X-Campus-Signature: sha256=<hex HMAC of the body>`; success is a 2xx answer.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
from dataclasses import dataclass, field
from urllib.parse import quote, quote_plus


@dataclass(frozen=True)
class Request:
    method: str
    url: str
    body: bytes | None = None
    headers: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Message:
    """What one send carries: the text, and for webhooks the rows it stands for."""

    key: str  # the outbox row's dedupe key (grouped: the first row's, with +n)
    title: str
    text: str
    school: str
    severity: str | None = None
    link: str | None = None
    recipient: str | None = None
    items: list[dict] = field(default_factory=list)


def dingtalk_sign(secret: str, timestamp_ms: int) -> str:
    """DingTalk's 加签, as its documentation's Python: quote_plus(base64(HMAC-SHA256(secret, 'ts\\nsecret')))."""
    digest = hmac.new(secret.encode(), f"{timestamp_ms}\n{secret}".encode(), hashlib.sha256).digest()
    return quote_plus(base64.b64encode(digest))


def feishu_sign(secret: str, timestamp_s: int) -> str:
    """Feishu's signature: base64(HMAC-SHA256 keyed with 'ts\\nsecret' over an empty message)."""
    return base64.b64encode(hmac.new(f"{timestamp_s}\n{secret}".encode(), b"", hashlib.sha256).digest()).decode()


def _json(value: dict) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()


JSON = {"Content-Type": "application/json; charset=utf-8"}


def build(kind: str, config: dict, secret: str, signing: str, message: Message, now_ms: int) -> Request:
    if kind == "wecom":
        return Request("POST", secret, _json({"msgtype": "text", "text": {"content": message.text}}), JSON)
    if kind == "dingtalk":
        url = secret
        if signing:
            url += ("&" if "?" in url else "?") + f"timestamp={now_ms}&sign={dingtalk_sign(signing, now_ms)}"
        return Request("POST", url, _json({"msgtype": "text", "text": {"content": message.text}}), JSON)
    if kind == "feishu":
        body: dict = {}
        if signing:
            ts = now_ms // 1000
            body = {"timestamp": str(ts), "sign": feishu_sign(signing, ts)}
        body |= {"msg_type": "text", "content": {"text": message.text}}
        return Request("POST", secret, _json(body), JSON)
    if kind == "sms":
        return sms_request(config, secret, message.recipient or "", message.text)
    if kind == "webhook":
        body_bytes = _json({"id": message.key, "school": message.school, "severity": message.severity,
                            "title": message.title, "text": message.text, "link": message.link,
                            "items": message.items})
        headers = dict(JSON) | {"Idempotency-Key": message.key}
        if secret:
            headers["Authorization"] = f"Bearer {secret}"
        if signing:
            digest = hmac.new(signing.encode(), body_bytes, hashlib.sha256).hexdigest()
            headers["X-Campus-Signature"] = "sha256=" + digest
        return Request("POST", config["url"], body_bytes, headers)
    raise ValueError(f"no HTTP request for a {kind} channel")


def sms_request(config: dict, secret: str, phone: str, text: str) -> Request:
    values = {"phone": phone, "text": text, "secret": secret}
    url = config["url"]
    for name, value in values.items():
        url = url.replace("{" + name + "}", quote(value, safe=""))
    method = config.get("method", "GET").upper()
    if method == "GET":
        return Request("GET", url)
    content_type = config.get("content_type", "application/json")
    body = config.get("body", "")
    for name, value in values.items():
        if "json" in content_type:
            escaped = json.dumps(value, ensure_ascii=False)[1:-1]
        else:
            escaped = quote_plus(value)
        body = body.replace("{" + name + "}", escaped)
    return Request(method, url, body.encode(), {"Content-Type": content_type + "; charset=utf-8"})


def succeeded(kind: str, config: dict, status: int, answer: str) -> bool:
    """Whether the provider took the message: HTTP 2xx, and for the robots their errcode/code 0."""
    if not 200 <= status < 300:
        return False
    if kind in ("wecom", "dingtalk", "feishu"):
        try:
            reply = json.loads(answer)
        except ValueError:
            return False
        code = reply.get("errcode", reply.get("code", reply.get("StatusCode")))
        return code == 0
    if kind == "sms" and config.get("ok_contains"):
        return config["ok_contains"] in answer
    return True
