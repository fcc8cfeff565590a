"""Forum pages' states: the index with search, a category's threads, a thread, "Discuss".

Thin: each handler reads the signed-in actor from the session, calls one service in one unit
of work and keeps plain rows; the services check every argument and every right.
"""

from __future__ import annotations

from typing import Any

import reflex as rx

from aixplore.core.db import session_scope
from aixplore.core.errors import DomainError
from aixplore.domain.forums import actions, discuss, levels, posting, reading, search, text
from aixplore.domain.forums.categories import category_by_slug, list_categories, public
from aixplore.domain.forums.models import ThreadPage, ThreadSummary
from aixplore.web.feedback import answer_error, toast_ok
from aixplore.web.session import current_actor
from aixplore.web.social.profile_state import face


def thread_row(summary: ThreadSummary) -> dict[str, Any]:
    """A thread as lists show it."""
    return {
        **summary.model_dump(mode="json"),
        "href": f"/forums/t/{summary.id}",
        "when": summary.last_posted_at.strftime("%d %b %Y"),
    }


def _text(form_data: Any, key: str) -> Any:
    return form_data.get(key) if isinstance(form_data, dict) else None


class ForumIndexState(rx.State):
    """/forums: the categories, and search over every thread the reader may read."""

    categories: list[dict[str, Any]] = []
    query: str = ""
    results: list[dict[str, Any]] = []
    searched: bool = False

    @rx.event
    def load(self):
        """Read the categories."""
        with session_scope() as db:
            self.categories = [c.model_dump() for c in list_categories(db)]
        self.results, self.searched = [], False

    @rx.event
    async def search(self, form_data: Any):
        """Search the forums for the words typed."""
        actor = await current_actor(self)
        q = _text(form_data, "q")
        try:
            with session_scope() as db:
                found = search.search_forums(db, actor, q)
        except DomainError as exc:
            return answer_error(exc)
        self.query, self.searched = str(q), True
        self.results = [thread_row(t) for t in found]
        return None


class CategoryState(rx.State):
    """/forums/<category>: a category's threads, newest activity first, and a new thread."""

    found: bool = True
    refusal: str = ""
    slug: str = ""
    category: dict[str, Any] = {}
    threads: list[dict[str, Any]] = []
    page: int = 1
    more: bool = False
    level: str = "normal"
    error: str = ""

    @rx.event
    async def load(self):
        """Read the category the address names, first page."""
        self.slug = str(self.router.page.params.get("category", ""))[:80]
        self.page, self.error = 1, ""
        return await self._read()

    async def _read(self):
        actor = await current_actor(self)
        try:
            with session_scope() as db:
                rows, self.more = reading.list_threads(db, actor, self.slug, self.page)
                category = category_by_slug(db, actor, self.slug)
                self.level = levels.category_level(db, actor, category.id or 0).value
                self.category = public(category).model_dump()
        except DomainError as exc:
            self.found, self.refusal, self.threads, self.category = False, exc.message, [], {}
            return None
        self.found, self.threads = True, [thread_row(t) for t in rows]
        return None

    @rx.event
    async def next_page(self):
        """Older threads."""
        if self.more:
            self.page += 1
            return await self._read()
        return None

    @rx.event
    async def set_level(self, level: Any):
        """Choose how much to hear about this category."""
        actor = await current_actor(self)
        try:
            with session_scope() as db:
                self.level = levels.do_set_category_level(db, actor, self.slug, level).value
        except DomainError as exc:
            return answer_error(exc, next_path=f"/forums/{self.slug}")
        return toast_ok(f"You are now {self.level} this category.".replace("normal", "at normal"))

    @rx.event
    async def start_thread(self, form_data: Any):
        """Open a thread here with the form's title and text."""
        actor = await current_actor(self)
        try:
            with session_scope() as db:
                thread_id = posting.do_start_thread(
                    db, actor, self.slug, _text(form_data, "title"), _text(form_data, "body")
                )
        except DomainError as exc:
            self.error = exc.message
            return answer_error(exc, next_path=f"/forums/{self.slug}")
        self.error = ""
        return rx.redirect(f"/forums/t/{thread_id}")


def _post_row(post: Any, thread_id: int) -> dict[str, Any]:
    return {
        **post.model_dump(mode="json"),
        "face": face(post.author_id),
        "initials": post.author_initials,
        "avatar_url": post.author_avatar_url,
        "href": f"/u/{post.author_handle}",
        "anchor": f"post-{post.number}",
        "when": post.created_at.strftime("%d %b %Y, %H:%M"),
        "reactions": [r.model_dump() for r in post.reactions],
        "reply_to_href": f"/forums/t/{thread_id}#post-{post.reply_to_number}"
        if post.reply_to_number
        else "",
    }


class ThreadState(rx.State):
    """/forums/t/<id>: a thread's posts, a page at a time, and what a reader may do there."""

    found: bool = True
    refusal: str = ""
    thread_id: int = 0
    thread: dict[str, Any] = {}
    category: dict[str, Any] = {}
    posts: list[dict[str, Any]] = []
    page: int = 1
    pages: int = 1
    draft: str = ""
    reply_to: int = 0
    editing: int = 0
    error: str = ""
    revisions: list[dict[str, Any]] = []
    revisions_of: int = 0

    def _show(self, shown: ThreadPage) -> None:
        self.thread = shown.model_dump(mode="json", exclude={"posts", "category"})
        self.category = shown.category.model_dump()
        self.posts = [_post_row(p, shown.id) for p in shown.posts]
        self.page, self.pages = shown.page, shown.pages

    async def _read(self, page: int):
        actor = await current_actor(self)
        try:
            with session_scope() as db:
                self._show(reading.read_thread(db, actor, self.thread_id, page))
        except DomainError as exc:
            self.found, self.refusal, self.posts, self.thread = False, exc.message, [], {}
            return None
        self.found = True
        return None

    @rx.event
    async def load(self):
        """Read the thread the address names (``?page=`` picks a page)."""
        raw = str(self.router.page.params.get("thread_id", ""))
        self.thread_id = int(raw) if raw.isdigit() and len(raw) < 18 else 0
        wanted = str(self.router.page.params.get("page", "1"))
        self.draft, self.reply_to, self.error, self.revisions_of = "", 0, "", 0
        self.editing = 0
        return await self._read(int(wanted) if wanted.isdigit() and len(wanted) < 7 else 1)

    @rx.event
    async def go_to(self, page: Any):
        """Show another page of the thread."""
        if not isinstance(page, int) or isinstance(page, bool) or not 1 <= page <= self.pages:
            return None
        return await self._read(page)

    @rx.event
    def set_draft(self, value: Any):
        """Keep the reply box's text (the quote button adds to it)."""
        self.draft = value[:20_001] if isinstance(value, str) else ""

    @rx.event
    def quote(self, number: Any):
        """Quote a post shown on this page into the reply box."""
        post = next((p for p in self.posts if p["number"] == number), None)
        if post is None or not post["body_md"]:
            return None
        quoted = text.quote_markdown(
            self.thread_id, post["number"], post["author_handle"], post["body_md"]
        )
        self.draft, self.reply_to = self.draft + quoted, int(post["number"])
        return rx.set_focus("field-body")

    @rx.event
    def start_edit(self, post_id: Any):
        """Put one of the viewer's posts on this page into the box to edit it."""
        post = next((p for p in self.posts if p["id"] == post_id and p["mine"]), None)
        if post is None or not post["body_md"]:
            return None
        self.editing, self.draft, self.reply_to = int(post["id"]), post["body_md"], 0
        return rx.set_focus("field-body")

    @rx.event
    def cancel_edit(self):
        """Leave the post as it was."""
        self.editing, self.draft = 0, ""

    @rx.event
    async def reply(self, form_data: Any):
        """Post the reply box's text (or save the post being edited)."""
        actor = await current_actor(self)
        body = _text(form_data, "body")
        try:
            with session_scope() as db:
                if self.editing:
                    posting.do_edit_post(db, actor, self.editing, body)
                else:
                    posting.do_reply(db, actor, self.thread_id, body, self.reply_to or None)
        except DomainError as exc:
            self.error = exc.message
            return answer_error(exc, next_path=f"/forums/t/{self.thread_id}")
        edited = bool(self.editing)
        self.draft, self.reply_to, self.error, self.editing = "", 0, "", 0
        await self._read(self.page if edited else 100_000)
        return toast_ok("Your post is saved." if edited else "Your reply is posted.")

    async def _act(self, change: Any, done: str, *args: Any):
        actor = await current_actor(self)
        try:
            with session_scope() as db:
                change(db, actor, *args)
        except DomainError as exc:
            return answer_error(exc, next_path=f"/forums/t/{self.thread_id}")
        await self._read(self.page)
        return toast_ok(done) if done else None

    @rx.event
    async def react(self, post_id: Any, reaction: Any):
        """Add or take back a reaction to a post."""
        return await self._act(actions.do_toggle_reaction, "", post_id, reaction)

    @rx.event
    async def accept(self, post_id: Any):
        """Mark (or unmark) a reply as the answer."""
        return await self._act(actions.do_accept_answer, "The answer is marked.", post_id)

    @rx.event
    async def set_bookmark(self, on: Any):
        """Bookmark the thread, or let it go."""
        done = "Bookmarked." if on is True else "Bookmark removed."
        return await self._act(actions.do_set_bookmark, done, self.thread_id, on)

    @rx.event
    async def set_level(self, level: Any):
        """Choose how much to hear about this thread."""
        return await self._act(
            levels.do_set_thread_level, "Notifications changed.", self.thread_id, level
        )

    @rx.event
    async def set_pinned(self, on: Any):
        """Pin or unpin the thread (moderators)."""
        return await self._act(actions.do_set_pinned, "Pin changed.", self.thread_id, on)

    @rx.event
    async def set_closed(self, on: Any):
        """Close or reopen the thread (moderators)."""
        return await self._act(actions.do_set_closed, "Thread changed.", self.thread_id, on)

    @rx.event
    async def show_revisions(self, post_id: Any):
        """Show a post's earlier versions."""
        actor = await current_actor(self)
        try:
            with session_scope() as db:
                found = reading.list_revisions(db, actor, post_id)
        except DomainError as exc:
            return answer_error(exc)
        self.revisions_of = post_id if isinstance(post_id, int) else 0
        self.revisions = [
            {**r.model_dump(mode="json"), "when": r.written_at.strftime("%d %b %Y, %H:%M")}
            for r in found
        ]
        return None


class DiscussState(rx.State):
    """/forums/discuss/<kind>/<id>: a solution's or event's thread, or the form to start it."""

    found: bool = True
    refusal: str = ""
    kind: str = ""
    subject_id: int = 0
    error: str = ""

    @rx.event
    async def load(self):
        """Go to the subject's thread when it exists; else offer to start it."""
        actor = await current_actor(self)
        self.kind = str(self.router.page.params.get("kind", ""))[:20]
        raw = str(self.router.page.params.get("subject_id", ""))
        self.subject_id = int(raw) if raw.isdigit() and len(raw) < 18 else 0
        try:
            with session_scope() as db:
                existing = discuss.discussion_of(db, actor, self.kind, self.subject_id)
        except DomainError as exc:
            self.found, self.refusal = False, exc.message
            return None
        self.found = True
        return rx.redirect(f"/forums/t/{existing}") if existing else None

    @rx.event
    async def start(self, form_data: Any):
        """Post the first words about the subject."""
        actor = await current_actor(self)
        try:
            with session_scope() as db:
                thread_id = discuss.do_discuss(
                    db, actor, self.kind, self.subject_id, _text(form_data, "body")
                )
        except DomainError as exc:
            self.error = exc.message
            return answer_error(exc, next_path=f"/forums/discuss/{self.kind}/{self.subject_id}")
        return rx.redirect(f"/forums/t/{thread_id}")
