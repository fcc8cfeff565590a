// The frame every 3D scene lives in: poster first, the fallback chain, the quality switch,
// the notice when something fails, and an error boundary so a scene never leaves a blank box.
import React, { Component, useCallback, useEffect, useRef, useState } from "react";
import "./scene3d.css";
import {
  LEVELS,
  LEVEL_NAMES,
  autoLevel,
  readChoice,
  report,
  stepDown,
  uses3d,
  webglInfo,
  writeChoice,
} from "./runtime.js";

class SceneBoundary extends Component {
  constructor(props) {
    super(props);
    this.state = { failed: false };
  }
  static getDerivedStateFromError() {
    return { failed: true };
  }
  componentDidCatch(error) {
    this.props.onError(error);
  }
  render() {
    return this.state.failed ? null : this.props.children;
  }
}

const REASONS = {
  webgl: "3D graphics are not available in this browser",
  lost: "the 3D graphics context was lost",
  error: "the 3D scene could not be loaded",
  slow: "frames were too slow",
  props: "the data for this scene is not valid",
};

// "Idle" means an idle callback after QUIET_MS with no long task (> 50 ms) on the main thread:
// a page that is still starting up (hydration, data arriving) keeps its poster until it settles.
// Past GIVE_UP_MS the scene starts at the next idle callback anyway.
// 300 ms: long enough to let hydration and the first data settle (a long task resets it),
// short enough not to dominate the first frame (1000 ms did: about half of it in the room).
const QUIET_MS = 300;
const GIVE_UP_MS = 10000;

/** Call ``fn`` once the main thread has been free of long tasks for QUIET_MS; returns a cancel. */
function whenMainThreadQuiet(fn) {
  let lastBusy = 0;
  let observer = null;
  try {
    observer = new PerformanceObserver((list) => {
      for (const task of list.getEntries()) lastBusy = Math.max(lastBusy, task.startTime + task.duration);
    });
    observer.observe({ type: "longtask", buffered: true });
  } catch (_error) {
    observer = null; // no Long Tasks API: an idle callback is the only signal
  }
  const begun = performance.now();
  const idle = window.requestIdleCallback
    ? (cb) => window.requestIdleCallback(cb, { timeout: 2000 })
    : (cb) => window.setTimeout(() => cb({ timeRemaining: () => 50 }), 200);
  const cancelIdle = window.cancelIdleCallback || window.clearTimeout;
  let handle = null;
  let wait = null;
  const check = (deadline) => {
    handle = null;
    const now = performance.now();
    const quietFor = now - lastBusy;
    if ((quietFor >= QUIET_MS && deadline.timeRemaining() > 0) || now - begun > GIVE_UP_MS) {
      if (observer) observer.disconnect();
      fn();
      return;
    }
    wait = window.setTimeout(() => {
      wait = null;
      handle = idle(check);
    }, Math.max(50, QUIET_MS - quietFor));
  };
  handle = idle(check);
  return () => {
    if (observer) observer.disconnect();
    if (handle !== null) cancelIdle(handle);
    if (wait !== null) window.clearTimeout(wait);
  };
}

/**
 * Whether the scene may start: true once its frame has been on screen and the main thread is
 * idle (IntersectionObserver, then whenMainThreadQuiet). Until then the poster stays and
 * nothing of WebGL or three.js runs: a page never waits for its 3D.
 */
function useStartWhenSeenAndIdle(ref) {
  const [start, setStart] = useState(false);
  useEffect(() => {
    const el = ref.current;
    if (!el || start) return undefined;
    let cancel = null;
    const seen = new IntersectionObserver((entries) => {
      if (!entries.some((entry) => entry.isIntersecting)) return;
      seen.disconnect();
      cancel = whenMainThreadQuiet(() => setStart(true));
    });
    seen.observe(el);
    return () => {
      seen.disconnect();
      if (cancel) cancel();
    };
  }, [ref, start]);
  return start;
}

/** The level to show: the user's choice when it can run, else the automatic one. */
function resolveLevel(choice, xrSupported) {
  const gl = webglInfo();
  let level = choice === "auto" ? autoLevel() : choice;
  if (level === "xr" && !xrSupported) level = "full";
  if (uses3d(level) && !gl.ok) level = "css";
  return level;
}

/** The quality switch: a labelled select whose choice persists in localStorage. */
export function QualitySwitch({ choice, xrSupported, onChange, level }) {
  const options = ["auto", ...LEVELS.filter((l) => l !== "xr" || xrSupported)];
  return (
    <label className="scene3d-quality">
      <span>3D quality</span>
      <select value={choice} onChange={(e) => onChange(e.target.value)}>
        {options.map((value) => (
          <option key={value} value={value}>
            {value !== "auto"
              ? LEVEL_NAMES[value]
              : LEVEL_NAMES[level]
                ? `${LEVEL_NAMES.auto} (${LEVEL_NAMES[level]})`
                : LEVEL_NAMES.auto}
          </option>
        ))}
      </select>
    </label>
  );
}

/**
 * Props: sceneId, label (text equivalent), poster (image URL), invalid (a reason or ""),
 * render(level, fail, ready) for the 3D levels, renderCss(), renderStatic().
 */
export function Stage({ sceneId, label, poster, invalid, render, renderCss, renderStatic, className }) {
  const [choice, setChoice] = useState("auto");
  const [xrSupported, setXrSupported] = useState(false);
  const [failure, setFailure] = useState(null); // {level, reason}
  const [ready, setReady] = useState(false);
  const root = useRef(null);
  const started = useStartWhenSeenAndIdle(root);

  useEffect(() => {
    setChoice(readChoice());
    const onQuality = (event) => {
      setChoice(event.detail);
      setFailure(null);
    };
    window.addEventListener("aixplore:quality", onQuality);
    const xr = navigator.xr;
    if (xr && xr.isSessionSupported) {
      xr.isSessionSupported("immersive-vr").then(setXrSupported, () => setXrSupported(false));
    }
    return () => window.removeEventListener("aixplore:quality", onQuality);
  }, []);

  // Before the start, the level is unknown: checking WebGL creates a context, which is work.
  let level = started ? resolveLevel(choice, xrSupported) : "pending";
  let reason = failure ? failure.reason : null;
  if (started && !webglInfo().ok && uses3d(choice === "auto" ? "full" : choice)) {
    reason = reason || "webgl";
  }
  if (invalid) {
    level = "static";
    reason = "props";
  } else if (failure) {
    level = failure.level;
  }

  const fail = useCallback(
    (why, from) => {
      setReady(false);
      setFailure((previous) => {
        const current = previous ? previous.level : from;
        const next = why === "slow" ? stepDown(current) : uses3d(current) ? "css" : "static";
        return { level: next, reason: why };
      });
    },
    [],
  );
  const markReady = useCallback(() => setReady(true), []);

  useEffect(() => {
    report(sceneId, { level, choice, reason: reason || "", ready: ready && uses3d(level) });
  }, [sceneId, level, choice, reason, ready]);
  const posterOnly = poster ? <img className="scene3d-poster" src={poster} alt="" aria-hidden="true" /> : null;

  const onChoice = (value) => {
    setFailure(null);
    writeChoice(value);
  };

  let body;
  if (level === "pending") {
    body = <div className="scene3d-canvas">{posterOnly}</div>;
  } else if (uses3d(level)) {
    body = (
      <div className="scene3d-canvas">
        {ready ? null : posterOnly}
        <SceneBoundary key={level} onError={() => fail("error", level)}>
          {render(level, (why) => fail(why, level), markReady)}
        </SceneBoundary>
      </div>
    );
  } else if (level === "css") {
    body = renderCss();
  } else {
    body = renderStatic();
  }
  return (
    <div ref={root} className={`scene3d ${className || ""}`} data-scene={sceneId} data-level={level}>
      <div className="scene3d-body">
        {body}
      </div>
      {reason ? (
        <p className="scene3d-notice" role="status">
          Showing {LEVEL_NAMES[level].toLowerCase()}: {REASONS[reason] || reason}.
        </p>
      ) : null}
      <QualitySwitch choice={choice} xrSupported={xrSupported} onChange={onChoice} level={level} />
    </div>
  );
}
