"""/live and /live/[stream_id]: what is on, scheduling, the stream key; the player and chat.

The player (hls.js) is on the stream page only. New chat lines from others are announced to
screen readers (a polite live region); while the socket is down the page says so and the
composer keeps what was typed.
"""

from __future__ import annotations

from typing import Any

import reflex as rx
from reflex.vars import ObjectVar

from aixplore.domain.streams.models import LINE_MAX, TITLE_MAX
from aixplore.domain.streams.reporting import KIND
from aixplore.web import kit
from aixplore.web.kit.forms import SELECT_STYLE
from aixplore.web.layout import stacked_page
from aixplore.web.moderation.report import report_popover
from aixplore.web.streams.list_state import LiveListState
from aixplore.web.streams.player import hls_player
from aixplore.web.streams.state import COMPOSER, SLOW_CHOICES, StreamState

L = LiveListState
S = StreamState
GRAY = rx.color("gray", 11)
STATUS = {"live": ("Live", "red"), "scheduled": ("Scheduled", "gray"), "ended": ("Ended", "gray")}


def _status_badge(status: Any) -> rx.Component:
    return rx.match(  # pyright: ignore[reportReturnType]
        status,
        *[
            (key, rx.badge(text, color_scheme=color, high_contrast=True))  # pyright: ignore[reportArgumentType]
            for key, (text, color) in STATUS.items()
        ],
        rx.fragment(),
    )


def _stream_item(s: ObjectVar[dict[str, Any]]) -> rx.Component:
    return rx.el.li(
        rx.hstack(
            _status_badge(s["status"]),
            rx.link(s["title"], href=s["href"].to(str), weight="medium", underline="always"),
            rx.text(s["streamer"], " · ", s["when"], size="2", color=GRAY),
            spacing="2",
            align="center",
            wrap="wrap",
        ),
        class_name="item",
    )


def _list(title: str, items: Any, empty: str) -> rx.Component:
    return kit.section(
        title,
        kit.when_any(
            items, rx.el.ul(rx.foreach(items, _stream_item), class_name="item-list"), empty
        ),
    )


def _schedule_form() -> rx.Component:
    return rx.card(
        rx.heading("Schedule a stream", as_="h2", size="4", margin_bottom="0.5em"),
        kit.form(
            kit.field("Title", "title", max_length=TITLE_MAX),
            kit.field("Starts at", "starts_at", type_="datetime-local"),
            kit.zone_field("Time zone", "timezone", hint="The zone of the start time."),
            rx.el.label("Source", html_for="stream-source", class_name="field-label"),
            rx.el.select(
                rx.el.option("Stream to AiXplore (RTMP)", value="rtmp"),
                rx.el.option("My own HLS origin", value="hls"),
                id="stream-source", name="source", default_value="rtmp",
                style={**SELECT_STYLE, "maxWidth": "100%"},
            ),
            kit.field(
                "HLS playlist URL", "hls_url", type_="url", max_length=500, required=False,
                hint="Only for your own origin: an https:// address ending in .m3u8.",
            ),
            rx.el.label("Event", html_for="stream-event", class_name="field-label"),
            rx.el.select(
                rx.foreach(L.event_choices, lambda c: rx.el.option(c[1], value=c[0])),
                id="stream-event", name="event_id", style=SELECT_STYLE,
            ),
            rx.el.label("Group", html_for="stream-group", class_name="field-label"),
            rx.el.select(
                rx.foreach(L.group_choices, lambda c: rx.el.option(c[1], value=c[0])),
                id="stream-group", name="group", style=SELECT_STYLE,
            ),
            kit.checkbox("Keep a recording afterwards (RTMP only)", "keep_recording"),
            on_submit=L.schedule,
            submit="Schedule",
            error=L.error,
            max_width=None,
        ),
        width="100%",
    )  # fmt: skip


def _stream_key() -> rx.Component:
    return rx.card(
        rx.heading("Your stream key", as_="h2", size="4"),
        rx.text(
            "Point your encoder (OBS, ffmpeg) at the server below with your stream key. Your "
            "next scheduled stream goes live when it starts sending.",
            size="2",
        ),
        kit.shown_once(
            "Your stream key (shown only now; make a new one if you lose it):",
            L.new_key,
            "stream-key",
            L.key_done,
        ),
        rx.cond(L.new_key != "", rx.text("Server: ", rx.code(L.server_url), size="2")),
        rx.button(
            rx.cond(L.has_key, "Replace my stream key", "Make my stream key"),
            on_click=L.make_key,
            variant="soft",
            margin_top="0.5em",
        ),
        width="100%",
    )


def live_page() -> rx.Component:
    """Streams live now, coming up, and over; members schedule theirs here."""
    return stacked_page(
        "Live",
        kit.page_header("Live streams", subtitle="Watch members stream and chat with them."),
        _list("Live now", L.live, "Nobody is live right now."),
        _list("Coming up", L.upcoming, "No streams are scheduled."),
        _list("Recently ended", L.ended, "No streams have ended yet."),
        rx.cond(
            L.signed_in,
            rx.grid(
                _schedule_form(),
                _stream_key(),
                columns=rx.breakpoints(initial="1", md="2"),
                spacing="4",
                width="100%",
            ),
            rx.text(
                rx.link("Sign in", href="/login?next=/live", underline="always"),
                " to schedule a stream.",
            ),
        ),
        max_width="1000px",
    )


def _line(m: ObjectVar[dict[str, Any]]) -> rx.Component:
    deleted = m["deleted"].to(bool)
    others = ~m["mine"].to(bool) & ~deleted
    return rx.el.li(
        rx.hstack(
            rx.text(m["when"], size="1", color=GRAY),
            rx.text(m["author"], weight="bold", size="2"),
            rx.text(
                m["body"],
                size="2",
                overflow_wrap="anywhere",
                color=rx.cond(deleted, GRAY, rx.color("gray", 12)),
                font_style=rx.cond(deleted, "italic", "normal"),
                flex="1",
                min_width="0",
            ),
            spacing="2",
            align="baseline",
            width="100%",
        ),
        rx.cond(
            S.signed_in & others,
            rx.hstack(
                rx.cond(
                    S.is_moderator,
                    rx.hstack(
                        rx.button(
                            "Delete", size="1", variant="ghost",
                            on_click=S.delete_line(m["seq"].to(int)),
                            aria_label="Delete the line of " + m["author"].to(str),
                        ),
                        rx.button(
                            "Time out", size="1", variant="ghost",
                            on_click=S.time_out(m["author_id"].to(int)),
                            aria_label="Time out " + m["author"].to(str) + " for 10 minutes",
                        ),
                        spacing="2",
                    ),
                ),
                report_popover(KIND, m["id"]),
                spacing="2",
            ),
        ),
        class_name="item",
    )  # fmt: skip


def _composer() -> rx.Component:
    rules = rx.hstack(
        rx.cond(S.slow_mode > 0, rx.badge("Slow mode: one line every ", S.slow_mode, " s")),
        rx.cond(S.followers_only, rx.badge("Followers only")),
        spacing="2",
        wrap="wrap",
    )
    return rx.cond(
        S.signed_in,
        rx.form(
            rx.vstack(
                rules,
                rx.el.label("Chat", html_for=COMPOSER, class_name="rt-Text rt-r-size-2"),
                rx.hstack(
                    rx.input(id=COMPOSER, name="body", max_length=LINE_MAX, width="100%"),
                    rx.button("Send", type="submit"),
                    width="100%",
                ),
                spacing="2",
                width="100%",
            ),
            on_submit=S.send,
            reset_on_submit=False,  # cleared by the server once the line is stored
            width="100%",
        ),
        rx.text(
            rx.link("Sign in", href="/login?next=/live", underline="always"), " to chat.", size="2"
        ),
    )


def _chat() -> rx.Component:
    return rx.vstack(
        rx.heading("Chat", as_="h2", size="4"),
        rx.box(
            rx.el.ol(rx.foreach(S.rows, _line), class_name="item-list", aria_label="Chat lines"),
            max_height="420px",
            overflow_y="auto",
            width="100%",
        ),
        rx.el.div(S.announcement, aria_live="polite", role="status", class_name="sr-only"),
        _composer(),
        spacing="2",
        width="100%",
        min_width="0",
    )


def _player() -> rx.Component:
    return rx.cond(
        S.play_url != "",
        hls_player(src=S.play_url, label="Live video: " + S.title),
        rx.box(
            rx.cond(
                S.status == "ended",
                rx.vstack(
                    rx.text("This stream has ended."),
                    rx.cond(
                        S.recording_url != "",
                        rx.link(S.recording_label, href=S.recording_url, id="stream-recording"),
                    ),
                    align="center",
                ),
                rx.text("Not live yet: this stream starts ", S.when, "."),
            ),
            width="100%",
            padding="3em 1em",
            text_align="center",
            border_radius="8px",
            background_color=rx.color("gray", 3),
        ),
    )


def _streamer_tools() -> rx.Component:
    modes = kit.inline_form(
        rx.el.label("Slow mode", html_for="slow-mode"),
        rx.el.select(
            *[rx.el.option("Off" if s == 0 else f"{s} s", value=str(s)) for s in SLOW_CHOICES],
            id="slow-mode",
            name="slow_mode",
            default_value=S.slow_choice,
            key=S.slow_choice,
            style=SELECT_STYLE,
        ),
        kit.checkbox("Followers only", "followers_only", checked=S.followers_only),
        rx.button("Save", type="submit", size="2", variant="soft"),
        on_submit=S.set_modes,
    )
    moderators = rx.vstack(
        rx.text("Moderators", weight="medium", size="2"),
        rx.hstack(
            rx.foreach(
                S.moderators,
                lambda h: rx.badge(
                    "@",
                    h,
                    rx.icon_button(
                        rx.icon("x", size=12),
                        size="1",
                        variant="ghost",
                        on_click=S.remove_moderator(h),
                        aria_label="Remove @" + h.to(str),
                    ),
                ),
            ),
            wrap="wrap",
            spacing="2",
        ),
        kit.inline_form(
            rx.input(
                name="handle", placeholder="@handle", aria_label="Moderator's handle", max_length=31
            ),
            rx.button("Add", type="submit", size="2", variant="soft"),
            on_submit=S.add_moderator,
            reset=True,
        ),
        spacing="2",
    )
    return rx.cond(
        S.is_streamer,
        rx.card(
            rx.vstack(
                rx.heading("Your stream", as_="h2", size="4"),
                rx.cond(
                    (S.source == "rtmp") & (S.status == "scheduled"),
                    rx.text(
                        "Send to ", rx.code(S.server_url), " with your stream key (on ",
                        rx.link("Live", href="/live", underline="always"), "): this stream goes live when it starts.",
                        size="2",
                    ),
                ),
                rx.hstack(
                    rx.cond(
                        (S.source == "hls") & (S.status == "scheduled"),
                        rx.button("Go live", on_click=S.go_live),
                    ),
                    rx.cond(
                        S.status != "ended",
                        rx.button("End stream", on_click=S.end, color_scheme="red", variant="soft"),
                    ),
                    spacing="2",
                ),
                modes,
                moderators,
                spacing="3",
                width="100%",
            ),
            width="100%",
        ),
    )  # fmt: skip


def _about() -> rx.Component:
    return rx.hstack(
        _status_badge(S.status),
        rx.text(
            rx.link(S.streamer, href="/u/" + S.streamer_handle, underline="always"),
            " · ",
            S.when,
            size="2",
            color=GRAY,
        ),
        rx.cond(S.status == "live", rx.text(S.viewers, " watching", size="2", color=GRAY)),
        rx.cond(
            S.event_href != "",
            rx.link("Event: ", S.event_title, href=S.event_href, size="2", underline="always"),
        ),
        rx.cond(
            S.group_href != "",
            rx.link("Group: ", S.group_name, href=S.group_href, size="2", underline="always"),
        ),
        spacing="3",
        align="center",
        wrap="wrap",
    )


def stream_page() -> rx.Component:
    """One stream: the player, who streams, the live chat, and the streamer's controls."""
    return stacked_page(
        "Live stream",
        rx.cond(
            S.missing,
            kit.empty_state("No such stream.", action=rx.link("All streams", href="/live")),
            rx.vstack(
                rx.link("← All streams", href="/live", size="2"),
                kit.page_header(S.title, subtitle=_about()),
                kit.offline_notice(),
                rx.grid(
                    _player(),
                    _chat(),
                    columns=rx.breakpoints(initial="1", md="minmax(0, 2fr) minmax(0, 1fr)"),
                    spacing="4",
                    width="100%",
                ),
                _streamer_tools(),
                spacing="4",
                width="100%",
            ),
        ),
        max_width="1200px",
    )
