"""Community pages: feed, messages, live streams, profiles, forums, groups, events, moderation."""

from __future__ import annotations

from aixplore.web.events.form_page import event_form_page
from aixplore.web.events.pages import event_page, events_page
from aixplore.web.events.state import EventFormState, EventPageState, EventsListState
from aixplore.web.forums import pages as forum_pages
from aixplore.web.forums import thread as forum_thread
from aixplore.web.forums.state import CategoryState, DiscussState, ForumIndexState, ThreadState
from aixplore.web.groups.pages import group_page, groups_page
from aixplore.web.groups.state import GroupPageState, GroupsState
from aixplore.web.messaging.pages import messages_page
from aixplore.web.messaging.state import MessagesState
from aixplore.web.moderation.pages import appeal_page, moderation_log_page
from aixplore.web.moderation.state import AppealState, ModerationLogState
from aixplore.web.routes.route import Route, guard, refresh
from aixplore.web.social.feed_page import feed_page
from aixplore.web.social.feed_state import FeedState
from aixplore.web.social.profile_page import profile_page
from aixplore.web.social.profile_state import ProfilePageState
from aixplore.web.streams.list_state import LiveListState
from aixplore.web.streams.pages import live_page, stream_page
from aixplore.web.streams.state import StreamState

COMMUNITY_ROUTES: list[Route] = [
    Route("/feed", feed_page, "Your feed · AiXplore", [guard, FeedState.load]),
    Route("/messages", messages_page, "Messages · AiXplore", [guard, MessagesState.load]),
    Route(
        "/messages/[conversation_id]",
        messages_page,
        "Messages · AiXplore",
        [guard, MessagesState.load],
    ),
    Route(
        "/live",
        live_page,
        "Live streams · AiXplore",
        [refresh, LiveListState.load],
        description="Members of AiXplore streaming live, with chat.",
    ),
    Route(
        "/live/[stream_id]",
        stream_page,
        "Live stream · AiXplore",
        [refresh, StreamState.load],
        description="A live stream on AiXplore, with chat.",
    ),
    Route(
        "/u/[handle]",
        profile_page,
        "Profile · AiXplore",
        [ProfilePageState.load],
        description="A member of AiXplore: what they publish, review and host.",
    ),
    Route(
        "/forums",
        forum_pages.forums_page,
        "Forums · AiXplore",
        [refresh, ForumIndexState.load],
        description="The AiXplore forums: ask, answer and talk about AI solutions and events.",
    ),
    Route(
        "/forums/[category]",
        forum_pages.category_page,
        "Forum · AiXplore",
        [refresh, CategoryState.load],
        description="A forum category on AiXplore and its threads.",
    ),
    Route(
        "/forums/t/[thread_id]",
        forum_thread.thread_page,
        "Thread · AiXplore",
        [refresh, ThreadState.load],
        description="A forum thread on AiXplore.",
    ),
    Route(
        "/forums/discuss/[kind]/[subject_id]",
        forum_pages.discuss_page,
        "Discuss · AiXplore",
        [refresh, DiscussState.load],
    ),
    Route(
        "/groups",
        groups_page,
        "Groups · AiXplore",
        [refresh, GroupsState.load],
        description="Groups on AiXplore: communities and trading groups with their own forums.",
    ),
    Route(
        "/groups/[slug]",
        group_page,
        "Group · AiXplore",
        [refresh, GroupPageState.load],
        description="A group on AiXplore.",
    ),
    Route(
        "/moderation-log",
        moderation_log_page,
        "Moderation log · AiXplore",
        [ModerationLogState.load],
        description="What the AiXplore moderators acted on and why, without naming anyone.",
    ),
    Route(
        "/moderation/appeal/[action_id]",
        appeal_page,
        "Appeal · AiXplore",
        [guard, AppealState.load],
    ),
    Route(
        "/events",
        events_page,
        "Community events · AiXplore",
        [EventsListState.load],
        description="Community events around AI solutions: online and in person, with their hosts and times in your time zone.",
    ),
    Route(
        "/events/new", event_form_page, "Organize an event · AiXplore", [guard, EventFormState.load]
    ),
    Route(
        "/events/[event_id]",
        event_page,
        "Event · AiXplore",
        [refresh, EventPageState.load],
        description="A community event on AiXplore: when, where, who hosts it, and how to join.",
    ),
    Route(
        "/events/[event_id]/edit",
        event_form_page,
        "Edit event · AiXplore",
        [guard, EventFormState.load],
    ),
]
