"""Pages for live streams: /live (schedule, stream key, what is on) and /live/[stream_id]."""
