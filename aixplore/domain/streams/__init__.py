"""Live streams: scheduled, ingested through nginx RTMP or an own HLS origin, with chat."""
