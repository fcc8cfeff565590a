"""Social and moderation data in the GDPR export, and what erasure removes or anonymizes."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import select

from aixplore.core.db import session_scope
from aixplore.core.time import utcnow
from aixplore.domain.activity.models import FeedItem
from aixplore.domain.gdpr import erasure
from aixplore.domain.gdpr import services as gdpr
from aixplore.domain.holds.models import ModerationHold
from aixplore.domain.moderation import actions, reports
from aixplore.domain.moderation.models import ModerationAction, ModerationAppeal, ModerationReport
from aixplore.domain.relations.models import Block, Connection, Follow, Mute
from aixplore.domain.social import connections, graph
from aixplore.domain.social.handles import ensure_profile
from aixplore.domain.social.models import Profile
from tests.factories import PASSWORD, actor_for, make_admin, make_member, make_solution, sign_in


def _handle(user_id: int) -> str:
    with session_scope() as db:
        return ensure_profile(db, user_id).handle


def test_the_export_holds_the_social_graph_and_erasure_clears_the_person_out() -> None:
    leaving, friend, troll = make_member(name="Lea"), make_member(name="Fio"), make_member()
    me, them = actor_for(sign_in(leaving.email)), actor_for(sign_in(friend.email))
    admin = actor_for(sign_in(make_admin().email))
    make_solution(leaving.email, name="Lea's Tool")  # a feed item of hers
    lea, fio, bad = _handle(leaving.id), _handle(friend.id), _handle(troll.id)
    with session_scope() as db:
        graph.do_follow(db, me, fio)
        graph.do_block(db, me, bad)
        graph.do_set_muted(db, them, lea, True)
        connections.do_request_connection(db, them, lea)
        connections.do_accept_connection(db, me, fio)
        reports.do_report(db, me, "profile", troll.id, {"reason": "spam", "note": "Lea says"})
        reports.do_report(db, them, "profile", leaving.id, {"reason": "other", "note": "about Lea"})
        warned = actions.do_act(db, admin, "profile", leaving.id, {"action": "warn"})
        actions.do_act(db, admin, "profile", leaving.id, {"action": "hide"})
    with session_scope() as db:
        actions.do_appeal(db, me, warned.id, {"body": "My own words, Lea's appeal."})
        data = gdpr.collect(db, leaving.id)
    assert [r["handle"] for r in data["profile"]] == ["lea"]
    assert [r["followee_id"] for r in data["follow"]] == [friend.id]
    assert [r["blocked_id"] for r in data["block"]] == [troll.id]
    assert [r["muter_id"] for r in data["mute"]] == [friend.id]
    assert [r["status"] for r in data["connection"]] == ["accepted"]
    assert [r["kind"] for r in data["feed_item"]] == ["solution_published"]
    assert [r["note"] for r in data["moderation_report"]] == ["Lea says"]
    assert all("moderator_id" not in r for r in data["moderation_action"])
    with session_scope() as db:
        erasure.do_request_erasure(db, me, {"password": PASSWORD, "keep_reviews": False})
    with session_scope() as db:
        assert erasure.do_execute_due(db, now=utcnow() + timedelta(days=15)) == 1
    with session_scope() as db:
        for model in (Profile, Follow, Block, Mute, Connection, FeedItem, ModerationAppeal):
            column = getattr(model, _who(model))
            assert db.exec(select(model).where(column == leaving.id)).all() == []
        [filed] = db.exec(select(ModerationReport)).all()  # the report about her profile went
        assert (filed.reporter_id, filed.note, filed.target_id) == (None, "", troll.id)
        assert db.exec(select(ModerationHold)).all() == []
        assert {a.subject_user_id for a in db.exec(select(ModerationAction)).all()} == {None}


def _who(model) -> str:
    return {
        Profile: "user_id",
        Follow: "follower_id",
        Block: "blocker_id",
        Mute: "muted_id",
        Connection: "addressee_id",
        FeedItem: "actor_id",
        ModerationAppeal: "appellant_id",
    }[model]
