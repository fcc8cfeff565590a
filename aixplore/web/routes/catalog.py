"""Catalog pages: solutions, publishing, cards, galleries, saved collections, orders, analytics."""

from __future__ import annotations

from aixplore.web.analytics.pages import solution_analytics_page
from aixplore.web.analytics.state import SolutionAnalyticsState
from aixplore.web.cards.pages import card_page, cards_page
from aixplore.web.cards.state import CardPageState, ShowroomState
from aixplore.web.discovery.pages import collection_page, saved_page
from aixplore.web.discovery.state import CollectionState, SavedState
from aixplore.web.gallery.pages import gallery_page
from aixplore.web.gallery.state import GalleryState
from aixplore.web.orders.order_pages import my_orders_page, order_page
from aixplore.web.orders.order_state import MyOrdersState, OrderPageState
from aixplore.web.orders.pages import wizard_page
from aixplore.web.orders.review_page import review_page
from aixplore.web.orders.review_state import ReviewState
from aixplore.web.orders.wizard_state import WizardState
from aixplore.web.routes.route import DESCRIPTION, Route, guard, refresh
from aixplore.web.solutions.browse import (
    CategoriesState,
    PublisherState,
    categories_page,
    publisher_page,
)
from aixplore.web.solutions.catalog_page import catalog_page
from aixplore.web.solutions.catalog_state import CatalogState
from aixplore.web.solutions.detail_page import solution_page
from aixplore.web.solutions.detail_state import SolutionPageState
from aixplore.web.solutions.model_view import ModelUploadState, SolutionModelState
from aixplore.web.solutions.publish_page import publish_page
from aixplore.web.solutions.publish_state import PublishState

CATALOG_ROUTES: list[Route] = [
    Route("/order", wizard_page, "Order a custom app · AiXplore", [guard, WizardState.load]),
    Route("/orders", my_orders_page, "My orders · AiXplore", [guard, MyOrdersState.load]),
    Route("/orders/[order_id]", order_page, "Order · AiXplore", [guard, OrderPageState.load]),
    Route(
        "/orders/[order_id]/review",
        review_page,
        "Review request · AiXplore",
        [guard, ReviewState.load],
    ),
    Route(
        "/cards",
        cards_page,
        "Trading cards · AiXplore",
        [refresh, ShowroomState.load],
        description="Every AI solution's trading card, rarer the better it is rated.",
    ),
    Route(
        "/cards/[slug]",
        card_page,
        "Trading card · AiXplore",
        [refresh, CardPageState.load],
        description="A solution's trading card: its rarity follows its rating and reviews.",
    ),
    Route("/gallery", gallery_page, "Your gallery · AiXplore", [guard, GalleryState.load]),
    Route(
        "/gallery/[handle]",
        gallery_page,
        "Gallery · AiXplore",
        [GalleryState.load],
        description="A member's trading cards, framed on the walls of a 3D room.",
    ),
    Route(
        "/solutions",
        catalog_page,
        "AI solutions · AiXplore",
        [CatalogState.load],
        description=DESCRIPTION,
    ),
    Route(
        "/solutions/[slug]",
        solution_page,
        "Solution · AiXplore",
        [refresh, SolutionPageState.load, SolutionModelState.load],
        description="An AI solution on AiXplore: what it does, its reviews and rating, and its trading card.",
    ),
    Route(
        "/categories",
        categories_page,
        "Categories · AiXplore",
        [CategoriesState.load],
        description="AI solutions on AiXplore by category.",
    ),
    Route(
        "/publishers/[publisher_id]",
        publisher_page,
        "Publisher · AiXplore",
        [PublisherState.load],
        description="A publisher on AiXplore and the AI solutions they publish.",
    ),
    Route("/publish", publish_page, "Publish a solution · AiXplore", [guard, PublishState.load]),
    Route(
        "/publish/[slug]",
        publish_page,
        "Edit listing · AiXplore",
        [guard, PublishState.load, ModelUploadState.load],
    ),
    Route("/saved", saved_page, "Saved · AiXplore", [guard, SavedState.load]),
    Route(
        "/collections/[collection_id]",
        collection_page,
        "Collection · AiXplore",
        [CollectionState.load],
        description="A collection of AI solutions put together on AiXplore.",
    ),
    Route(
        "/analytics/[slug]",
        solution_analytics_page,
        "Analytics · AiXplore",
        [guard, SolutionAnalyticsState.load],
    ),
]
