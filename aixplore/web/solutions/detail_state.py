"""A solution's page: details, rating summary, reviews (write, vote, report, reply), similar."""

from __future__ import annotations

from typing import Any

import reflex as rx
from sqlmodel import Session

from aixplore.core.db import session_scope
from aixplore.core.errors import DomainError
from aixplore.core.replica import catalog_read
from aixplore.domain.discovery import services as discovery
from aixplore.domain.events import services as event_services
from aixplore.domain.events.models import EventPublic
from aixplore.domain.reviews import reading as review_reading
from aixplore.domain.reviews import services as reviews
from aixplore.domain.solutions import services as solutions
from aixplore.domain.wallet import rewarded
from aixplore.web.events.cards import zone_fields
from aixplore.web.events.state import BROWSER_TIMEZONE, known_viewer_zone, remember_viewer_zone
from aixplore.web.feedback import answer_error, pick, toast_ok
from aixplore.web.session import current_actor
from aixplore.web.tracking import track


def _review_row(r: Any) -> dict[str, Any]:
    data = r.model_dump(mode="json")
    data["date"] = r.created_at.strftime("%d %b %Y")
    data["stars"] = "★" * r.rating + "☆" * (5 - r.rating)
    # Radio items carry string values: the edit form preselects the rating by this one.
    data["rating_value"] = str(r.rating)
    return data


def _review_id(form_data: Any) -> int | None:
    """The review a per-review form names in its hidden field, or None when it is no id."""
    raw = form_data.get("review_id") if isinstance(form_data, dict) else None
    if isinstance(raw, int) and not isinstance(raw, bool):
        return raw
    if isinstance(raw, str) and raw.isdigit() and len(raw) < 19:
        return int(raw)
    return None


def _distribution(count: int, per_star: list[int]) -> list[dict[str, Any]]:
    """The ratings box's bars, 5 stars first, each with its share of the reviews."""
    total = max(1, count)
    return [
        {"stars": n, "count": per_star[n - 1], "percent": round(100 * per_star[n - 1] / total)}
        for n in range(5, 0, -1)
    ]


def _event_rows(upcoming: list[EventPublic], zone_name: str) -> list[dict[str, Any]]:
    """The upcoming events box: times in the viewer's zone once the browser has told it."""
    return [
        {"id": e.id, "title": e.title, "when": zone_fields(e, zone_name)["when"]} for e in upcoming
    ]


class SolutionPageState(rx.State):
    """One main state for the page; every handler re-checks the actor in the services."""

    found: bool = True
    loading: bool = True
    detail: dict[str, Any] = {}
    can_manage: bool = False
    signed_in: bool = False
    distribution: list[dict[str, Any]] = []
    reviews: list[dict[str, Any]] = []
    review_total: int = 0
    review_sort: str = "helpful"
    review_page: int = 1
    my_review: dict[str, Any] = {}
    similar: list[dict[str, Any]] = []
    screenshots: list[dict[str, Any]] = []
    releases: list[dict[str, str]] = []
    review_error: str = ""
    bookmarked: bool = False
    events: list[dict[str, Any]] = []
    collections: list[dict[str, Any]] = []

    def _slug(self) -> str:
        return str(self.router.page.params.get("slug", ""))[:80]

    @rx.var
    def has_more_reviews(self) -> bool:
        """Whether another page of reviews exists."""
        return self.review_page * review_reading.PAGE_SIZE < self.review_total

    async def _load_reviews(self) -> None:
        actor = await current_actor(self)
        with session_scope() as db:
            rows, total = review_reading.list_reviews(
                db, actor, self._slug(), sort=self.review_sort, page=1
            )
            mine = review_reading.get_my_review(db, actor, self._slug())
        extra: list[Any] = []
        for page in range(2, self.review_page + 1):
            with session_scope() as db:
                extra += review_reading.list_reviews(
                    db, actor, self._slug(), sort=self.review_sort, page=page
                )[0]
        self.reviews = [_review_row(r) for r in [*rows, *extra]]
        self.review_total = total
        self.my_review = _review_row(mine) if mine else {}

    @rx.event
    async def load(self):
        """Read everything the page shows."""
        self.loading, self.review_error = True, ""
        self.review_sort, self.review_page = "helpful", 1
        actor = await current_actor(self)
        self.signed_in = actor is not None
        slug = self._slug()

        def read(db: Session) -> tuple[Any, Any, Any]:
            detail = solutions.get_solution(db, actor, slug)
            similar = solutions.list_similar(db, slug)
            # Events belong to published listings; an owner's draft preview has none.
            upcoming = (
                event_services.list_for_solution(db, slug, limit=3)
                if detail.status == "published"
                else []
            )
            return detail, similar, upcoming

        try:
            detail, similar, upcoming = catalog_read(read, actor.user_id if actor else None)
        except DomainError:
            self.found, self.loading, self.detail = False, False, {}
            self.screenshots = []
            return
        self.found = True
        self.detail = detail.model_dump(mode="json")
        self.detail["published"] = detail.status == "published"
        self.screenshots = self.detail.pop("screenshots", [])
        self.can_manage = actor is not None and (
            actor.user_id == detail.owner_id or actor.is_platform_admin
        )
        self.distribution = _distribution(detail.rating_count, detail.rating_distribution)
        self.releases = [
            {"version": v, "notes": notes, "date": at.strftime("%d %b %Y")}
            for v, notes, at in detail.releases
        ]
        self.similar = [c.model_dump(mode="json") for c in similar]
        # Ask the browser its zone only when there are times to show: the events pages ask
        # once per tab, and a page without events must not use up that question.
        zone_name, ask = await known_viewer_zone(self) if upcoming else ("", False)
        self.events = _event_rows(upcoming, zone_name)
        if detail.status == "published":
            await self._load_reviews()
            await self._load_lists()
            await track(self, "view", solution_id=detail.id)
        else:
            self.reviews, self.review_total, self.my_review = [], 0, {}
        self.loading = False
        if ask:
            return rx.call_script(BROWSER_TIMEZONE, callback=SolutionPageState.set_viewer_timezone)
        return None

    @rx.event
    async def set_viewer_timezone(self, zone: Any) -> None:
        """Show the upcoming events in the viewer's zone (the event's own when it is no real
        zone)."""
        zone_name = await remember_viewer_zone(self, zone)
        try:
            with session_scope() as db:
                upcoming = event_services.list_for_solution(db, self._slug(), limit=3)
        except DomainError:
            self.events = []
            return
        self.events = _event_rows(upcoming, zone_name)

    async def _load_lists(self) -> None:
        actor = await current_actor(self)
        if actor is None:
            self.bookmarked, self.collections = False, []
            return
        with session_scope() as db:
            self.bookmarked = discovery.is_bookmarked(db, actor, int(self.detail.get("id", 0)))
            self.collections = [
                c.model_dump()
                for c in discovery.list_my_collections(db, actor, containing_slug=self._slug())
            ]

    @rx.event
    async def outbound(self, link: str):
        """Count a click on the website, repository or demo link."""
        if link in ("website", "repository", "demo"):
            await track(
                self, "click", solution_id=int(self.detail.get("id", 0)) or None, detail=link
            )

    @rx.event
    async def set_featured(self, featured: bool):
        """Editors' pick on or off (platform admins; re-checked in the service)."""
        actor = await current_actor(self)
        try:
            with session_scope() as db:
                solutions.do_set_featured(db, actor, self._slug(), featured)
            await self._refresh_detail()
        except DomainError as exc:
            return answer_error(exc, next_path=f"/solutions/{self._slug()}")
        return toast_ok("Featured on the home page." if featured else "No longer featured.")

    @rx.event
    async def toggle_bookmark(self):
        """Bookmark the solution, or remove the bookmark."""
        actor = await current_actor(self)
        try:
            with session_scope() as db:
                self.bookmarked = discovery.do_toggle_bookmark(db, actor, self._slug())
        except DomainError as exc:
            return answer_error(exc, next_path=f"/solutions/{self._slug()}")
        if self.bookmarked:
            await track(self, "bookmark", solution_id=int(self.detail.get("id", 0)) or None)
        return toast_ok("Bookmarked." if self.bookmarked else "Bookmark removed.")

    @rx.event
    async def toggle_collection(self, collection_id: int):
        """Put the solution in one of my collections, or take it out."""
        actor = await current_actor(self)
        try:
            with session_scope() as db:
                added = discovery.do_toggle_in_collection(db, actor, collection_id, self._slug())
            await self._load_lists()
        except DomainError as exc:
            return answer_error(exc, next_path=f"/solutions/{self._slug()}")
        return toast_ok("Added to the collection." if added else "Removed from the collection.")

    @rx.event
    async def new_collection(self, form_data: dict):
        """Create a collection holding this solution."""
        actor = await current_actor(self)
        data = pick(form_data, "name")
        try:
            with session_scope() as db:
                created = discovery.do_create_collection(db, actor, data)
                discovery.do_toggle_in_collection(db, actor, created.id, self._slug())
            await self._load_lists()
        except DomainError as exc:
            return answer_error(exc, next_path=f"/solutions/{self._slug()}")
        return toast_ok(f"Added to the new collection “{created.name}”.")

    @rx.event
    async def set_review_sort(self, sort: str | list[str]):
        """Helpful first or newest first."""
        if not isinstance(sort, str) or sort not in review_reading.REVIEW_SORTS:
            return answer_error(DomainError("Unknown sort."))
        self.review_sort, self.review_page = sort, 1
        await self._load_reviews()
        return None

    @rx.event
    async def more_reviews(self):
        """Show the next page of reviews."""
        self.review_page = min(self.review_page + 1, 1000)
        await self._load_reviews()

    async def _refresh_detail(self) -> None:
        actor = await current_actor(self)
        with session_scope() as db:
            detail = solutions.get_solution(db, actor, self._slug())
        self.detail = {
            **detail.model_dump(mode="json", exclude={"screenshots"}),
            "published": detail.status == "published",
        }
        self.distribution = _distribution(detail.rating_count, detail.rating_distribution)

    @rx.event
    async def write_review(self, form_data: dict):
        """Create or edit my review."""
        self.review_error = ""
        data = pick(form_data, "rating", "title", "body")
        if (
            isinstance(data, dict)
            and isinstance(data.get("rating"), str)
            and data["rating"].isdigit()
        ):
            data["rating"] = int(data["rating"])
        actor = await current_actor(self)
        try:
            with session_scope() as db:
                rewarded.do_write_review(db, actor, self._slug(), data)
            await self._refresh_detail()
            await self._load_reviews()
        except DomainError as exc:
            self.review_error = exc.message
            return answer_error(exc, next_path=f"/solutions/{self._slug()}")
        return toast_ok("Thanks! Your review is published.")

    @rx.event
    async def delete_review(self):
        """Remove my review."""
        actor = await current_actor(self)
        review_id = self.my_review.get("id")
        try:
            with session_scope() as db:
                reviews.do_delete_review(db, actor, review_id)
            await self._refresh_detail()
            await self._load_reviews()
        except DomainError as exc:
            return answer_error(exc, next_path=f"/solutions/{self._slug()}")
        return toast_ok("Your review is deleted.")

    @rx.event
    async def toggle_helpful(self, review_id: int):
        """Mark a review helpful (again to undo)."""
        actor = await current_actor(self)
        try:
            with session_scope() as db:
                reviews.do_toggle_helpful(db, actor, review_id)
            await self._load_reviews()
        except DomainError as exc:
            return answer_error(exc, next_path=f"/solutions/{self._slug()}")
        return None

    @rx.event
    async def reply(self, form_data: dict):
        """The publisher answers a review (named by the form's hidden ``review_id``)."""
        actor = await current_actor(self)
        body = form_data.get("reply") if isinstance(form_data, dict) else None
        try:
            with session_scope() as db:
                reviews.do_reply(db, actor, _review_id(form_data), body)
            await self._load_reviews()
        except DomainError as exc:
            return answer_error(exc, next_path=f"/solutions/{self._slug()}")
        return toast_ok("Reply published.")
