// A solution's own 3D model in Google's <model-viewer> (orbit controls, AR where the device
// offers it, an accessible label). The poster shows first; the viewer's code (three.js bundled
// inside, about 290 KB gz) is imported only when the frame nears the screen, and never on pages
// without a model. No WebGL, the "Static image" quality choice, a load failure or a lost WebGL
// context leave the poster with a message (and a retry), never a blank canvas.
import React, { useEffect, useRef, useState } from "react";
import { readChoice, report, webglInfo } from "./runtime.js";

const MESSAGES = {
  nowebgl: "This device cannot show 3D (WebGL is not available), so here is a picture of the model.",
  static: "3D is off (quality switch set to a static image), so here is a picture of the model.",
  loadfailure: "The 3D model could not be loaded, so here is a picture of it.",
  nocode: "The 3D viewer could not be loaded, so here is a picture of the model.",
  webglcontextlost: "The 3D view stopped (the graphics context was lost), so here is a picture of the model.",
};

const MESSAGE_STYLE = {
  position: "absolute",
  left: "8px",
  right: "8px",
  bottom: "8px",
  display: "flex",
  flexWrap: "wrap",
  gap: "8px",
  alignItems: "center",
  padding: "8px 12px",
  borderRadius: "8px",
  background: "rgba(255, 255, 255, 0.94)",
  color: "#1c2024",
  fontSize: "14px",
};

let viewerCode = null;

/** Load <model-viewer> once per page, its decoders pointed at our own files (no CDN).
 * It reads self.ModelViewerElement when it defines itself; meshopt is left unset so it is
 * never fetched (the job writes DRACO, not meshopt). */
function loadViewerCode(decoderBase) {
  if (!viewerCode) {
    self.ModelViewerElement = {
      ...(self.ModelViewerElement || {}),
      dracoDecoderLocation: decoderBase,
      ktx2TranscoderLocation: decoderBase,
    };
    viewerCode = import("@google/model-viewer/dist/model-viewer.min.js").then(() => {
      const ModelViewerElement = customElements.get("model-viewer");
      ModelViewerElement.dracoDecoderLocation = decoderBase;
      ModelViewerElement.ktx2TranscoderLocation = decoderBase;
    });
    viewerCode.catch(() => {
      viewerCode = null;
    });
  }
  return viewerCode;
}

function phoneSized() {
  return typeof window !== "undefined" && Math.min(window.innerWidth, window.innerHeight) < 600;
}

/** See components3d/model_viewer.py for the props. */
export function ModelViewer({ src, srcLight, poster, alt, decoderBase, viewerId = "model", height = "420px" }) {
  const frame = useRef(null);
  const viewer = useRef(null);
  const [phase, setPhase] = useState("poster"); // poster | loading | viewer | ready | fallback
  const [problem, setProblem] = useState("");
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    report(viewerId, { phase, problem });
  }, [viewerId, phase, problem]);

  useEffect(() => {
    if (!webglInfo().ok) return fail("nowebgl");
    if (readChoice() === "static") return fail("static");
    const node = frame.current;
    if (!node || typeof IntersectionObserver === "undefined") return start();
    const seen = new IntersectionObserver(
      (entries) => {
        if (entries.some((entry) => entry.isIntersecting)) {
          seen.disconnect();
          start();
        }
      },
      { rootMargin: "200px" },
    );
    seen.observe(node);
    return () => seen.disconnect();
  }, [attempt]);

  function fail(reason) {
    setProblem(reason);
    setPhase("fallback");
  }

  function start() {
    setPhase("loading");
    loadViewerCode(decoderBase).then(() => setPhase("viewer"), () => fail("nocode"));
  }

  const showViewer = phase === "viewer" || phase === "ready";
  // Listen for as long as the viewer is mounted (a lost context comes after "load").
  useEffect(() => {
    const node = viewer.current;
    if (!node || !showViewer) return undefined;
    const onLoad = () => setPhase("ready");
    const onError = (event) => {
      const type = event && event.detail && event.detail.type;
      fail(type === "webglcontextlost" ? "webglcontextlost" : "loadfailure");
    };
    node.addEventListener("load", onLoad);
    node.addEventListener("error", onError);
    return () => {
      node.removeEventListener("load", onLoad);
      node.removeEventListener("error", onError);
    };
  }, [showViewer, attempt]);

  return (
    <div ref={frame} className="model-viewer-frame" style={{ position: "relative", width: "100%", height }}>
      {showViewer ? (
        <model-viewer
          ref={viewer}
          key={attempt}
          src={phoneSized() && srcLight ? srcLight : src}
          poster={poster}
          alt={alt}
          camera-controls=""
          touch-action="pan-y"
          ar=""
          ar-modes="webxr scene-viewer quick-look"
          interaction-prompt="auto"
          shadow-intensity="0.6"
          data-phase={phase}
          style={{ width: "100%", height: "100%", background: "transparent", "--poster-color": "transparent" }}
        >
          <button slot="ar-button" type="button" className="model-viewer-frame__ar">
            View in your space (AR)
          </button>
        </model-viewer>
      ) : (
        <img
          src={poster}
          alt=""
          aria-hidden="true"
          style={{ width: "100%", height: "100%", objectFit: "contain" }}
        />
      )}
      {phase === "fallback" ? (
        <div role="status" className="model-viewer-frame__message" style={MESSAGE_STYLE}>
          <span>{MESSAGES[problem] || MESSAGES.loadfailure}</span>
          {problem === "loadfailure" || problem === "webglcontextlost" || problem === "nocode" ? (
            <button type="button" onClick={() => { setProblem(""); setPhase("poster"); setAttempt(attempt + 1); }}>
              Try 3D again
            </button>
          ) : null}
        </div>
      ) : null}
    </div>
  );
}
