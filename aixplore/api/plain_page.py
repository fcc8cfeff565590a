"""The few pages the API answers with HTML of its own: OAuth consent, SSO refusals and links.

They are served before (or instead of) the Reflex front end, so they carry their own small
stylesheet in the app's look (system fonts, the violet accent, light and dark), no scripts.
"""

from __future__ import annotations

import html

from fastapi.responses import HTMLResponse

STYLE = """
:root{color-scheme:light dark;--fg:#1c2024;--muted:#60646c;--bg:#f9f9fb;--card:#fff;
--line:#e0e1e6;--accent:#6e56cf;--accent-fg:#fff;--soft:#f4f0fe;--alert:#ce2c31}
@media (prefers-color-scheme:dark){:root{--fg:#edeef0;--muted:#b0b4ba;--bg:#111113;
--card:#18191b;--line:#2e3135;--accent:#9e8cfc;--accent-fg:#111113;--soft:#251e40;
--alert:#ff9592}}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--fg);line-height:1.5;overflow-wrap:anywhere;
font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans",sans-serif}
header{padding:1rem 1.25rem}
header a{color:var(--fg);font-weight:700;font-size:1.15rem;text-decoration:none}
main{max-width:34rem;width:calc(100% - 2rem);margin:1rem auto 3rem;padding:1.5rem;
background:var(--card);
border:1px solid var(--line);border-radius:12px}
h1{font-size:1.5rem;line-height:1.25;margin:0 0 1rem}
p,ul{margin:0 0 1rem}
a{color:var(--accent)}
[role=alert]{color:var(--alert);font-weight:500}
label{font-weight:500}
input{width:100%;font:inherit;padding:.5rem .75rem;margin-top:.25rem;color:var(--fg);
background:var(--bg);border:1px solid var(--line);border-radius:8px}
button{font:inherit;font-weight:500;padding:.5rem 1rem;border-radius:8px;cursor:pointer;
border:1px solid var(--line);background:var(--soft);color:var(--fg);margin:0 .5rem .5rem 0}
button.primary{background:var(--accent);border-color:var(--accent);color:var(--accent-fg)}
button:focus-visible,a:focus-visible,input:focus-visible{outline:2px solid var(--accent);
outline-offset:2px}
"""


def plain_page(title: str, body: str, status: int = 200, no_store: bool = True) -> HTMLResponse:
    """A whole page: the escaped ``title`` and ``body`` (HTML the caller already escaped)."""
    text = (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<title>{html.escape(title)} · AiXplore</title><style>{STYLE}</style></head><body>"
        "<header><a href='/'>AiXplore</a></header>"
        f"<main>{body}</main></body></html>"
    )
    headers = {"Cache-Control": "no-store", "Pragma": "no-cache"} if no_store else {}
    return HTMLResponse(text, status_code=status, headers=headers)
