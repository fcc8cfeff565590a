"""A recording ffmpeg cannot read: the remux job fails cleanly and the FLV stays linked."""

from __future__ import annotations

import pytest

from aixplore.domain.streams import ingest
from aixplore.domain.streams import services as streams
from aixplore.domain.streams.recordings import recordings_folder
from aixplore.integrations.remux import RemuxFailed
from aixplore.jobs import streams as stream_jobs
from tests.unit.domain.messaging.support import run
from tests.unit.domain.social.support import person
from tests.unit.domain.streams.support import key_parts, schedule


def test_a_broken_recording_keeps_its_flv_and_leaves_no_partial_mp4() -> None:
    ada = person("Ada")
    sid = schedule(ada, keep_recording=True)
    name, secret = key_parts(ada)
    run(ingest.on_publish, name, secret)
    run(ingest.on_publish_done, name)
    folder = recordings_folder()
    folder.mkdir(parents=True, exist_ok=True)
    flv = folder / f"{name}-broken.flv"
    flv.write_bytes(b"FLV but not really a video")
    assert run(ingest.on_record_done, name, str(flv)) == "kept"
    with pytest.raises(RemuxFailed):
        stream_jobs.remux_recording.call_local(sid)  # huey retries it later
    assert flv.exists()
    assert sorted(p.name for p in folder.glob(f"{name}-broken*")) == [flv.name]
    assert run(streams.get_stream, None, sid).recording_url.endswith(flv.name)
