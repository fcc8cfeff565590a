"""The HLS player: a JSX component around hls.js, bundled with the app (never from a CDN)."""

from __future__ import annotations

import reflex as rx

HLS_JS = "hls.js@1.6.15"  # pinned; only the stream page loads it (a no-SSR chunk of its own)


class HlsPlayer(rx.NoSSRComponent):
    """A muted, autoplaying video element playing an HLS playlist."""

    library = rx.asset("streams/HlsPlayer.jsx").importable_path
    lib_dependencies: list[str] = [HLS_JS]
    tag = "HlsPlayer"
    is_default = False

    # The playlist's URL.
    src: rx.Var[str]
    # What a screen reader calls the video.
    label: rx.Var[str]


hls_player = HlsPlayer.create
