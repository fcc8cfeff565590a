// The stream page's player: hls.js (self-hosted, pinned in web/streams/player.py) plays the
// stream's HLS playlist; Safari plays it natively. Loaded only by the stream page (its own chunk).
import { useEffect, useRef, useState } from "react";
import Hls from "hls.js";

export function HlsPlayer({ src, label }) {
  const video = useRef(null);
  const [problem, setProblem] = useState("");
  useEffect(() => {
    const el = video.current;
    if (!el || !src) return undefined;
    setProblem("");
    let hls = null;
    if (Hls.isSupported()) {
      hls = new Hls({ liveSyncDurationCount: 3, manifestLoadingMaxRetry: 6 });
      hls.on(Hls.Events.MANIFEST_PARSED, () => {
        el.play().catch(() => {}); // muted, so browsers allow it; else the controls start it
      });
      hls.on(Hls.Events.ERROR, (_event, data) => {
        if (!data.fatal) return;
        if (data.type === Hls.ErrorTypes.NETWORK_ERROR) {
          setProblem("The stream is not reachable right now; retrying…");
          window.setTimeout(() => hls && hls.startLoad(), 2000);
        } else if (data.type === Hls.ErrorTypes.MEDIA_ERROR) {
          hls.recoverMediaError();
        } else {
          setProblem("This stream cannot be played in this browser.");
        }
      });
      hls.on(Hls.Events.FRAG_LOADED, () => setProblem(""));
      hls.loadSource(src);
      hls.attachMedia(el);
    } else if (el.canPlayType("application/vnd.apple.mpegurl")) {
      el.src = src;
    } else {
      setProblem("This browser cannot play live streams.");
    }
    return () => {
      if (hls) hls.destroy();
      hls = null;
    };
  }, [src]);
  return (
    <div style={{ width: "100%" }}>
      <video
        ref={video}
        controls
        muted
        autoPlay
        playsInline
        aria-label={label}
        style={{ width: "100%", aspectRatio: "16 / 9", background: "#000", borderRadius: "8px" }}
      />
      {problem ? <p role="status">{problem}</p> : null}
    </div>
  );
}
