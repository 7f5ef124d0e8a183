"""The style of the server-rendered pages outside Dash: the sign-in form (dashboard/login/) and
the refusal pages (dashboard/access.py). One fixed text, so the Content-Security-Policy allows it
by its hash (dashboard/headers.py) and no other inline style."""
from __future__ import annotations

STYLE = """body{margin:0;min-height:100vh;display:flex;align-items:center;justify-content:center;
background:#0b1426;color:#dce6f5;font-family:"Noto Sans CJK SC","Microsoft YaHei",sans-serif}
main{max-width:40em;padding:2em}h1{font-size:2em}h2[lang=en],p[lang=en]{color:#8fa3c0}
main.form{width:min(24em,90vw)}main.form h1{font-size:1.6em}label{display:block;margin:1em 0 .3em}
input[type=text],input[type=password]{width:100%;box-sizing:border-box;padding:.6em;font-size:1.1em;
background:#13203a;color:#dce6f5;border:1px solid #2c4166;border-radius:4px}
button{margin-top:1.5em;width:100%;padding:.7em;font-size:1.1em;background:#2f6fd6;color:#fff;border:0;
border-radius:4px}.error{color:#ff8a80}.note,.hint,a{color:#8fa3c0}"""
