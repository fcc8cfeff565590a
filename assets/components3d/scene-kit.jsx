// Pieces shared by the three.js scenes: the canvas with adaptive quality, environment light
// baked once, the ready signal that hides the poster, and the optional XR scope and bloom.
import React, { Suspense, lazy, memo, useEffect, useRef, useState } from "react";
import { Canvas, useFrame, useThree } from "@react-three/fiber";
import { PerformanceMonitor } from "@react-three/drei";
import * as THREE from "three";
import { RoomEnvironment } from "three/examples/jsm/environments/RoomEnvironment.js";
import { forceAnimate, frozen, isPhone, legacyLoop, readChoice, report, webglInfo } from "./runtime.js";

const Effects = lazy(() => import("./Effects.jsx"));

/**
 * Studio light: three's RoomEnvironment prefiltered into an environment map once per canvas
 * (no HDR file, no CDN preset, none of drei's HDR/EXR loaders in the chunk). Memoised so state
 * changes never re-bake it.
 */
export const StudioLights = memo(function StudioLights({ blur = 0.04 }) {
  const gl = useThree((s) => s.gl);
  const scene = useThree((s) => s.scene);
  const invalidate = useThree((s) => s.invalidate);
  useEffect(() => {
    const pmrem = new THREE.PMREMGenerator(gl);
    const room = new RoomEnvironment();
    const env = pmrem.fromScene(room, blur).texture;
    scene.environment = env;
    invalidate();
    return () => {
      scene.environment = null;
      env.dispose();
      room.dispose?.();
      pmrem.dispose();
    };
  }, [gl, scene, blur, invalidate]);
  return null;
});

/** Calls onReady once, after the first frame that drew the scene's content. */
export function ReadyOnFrame({ onReady, sceneId }) {
  const done = useRef(false);
  const frames = useRef(0);
  const gl = useThree((s) => s.gl);
  useFrame(() => {
    frames.current += 1;
    // The figures of this frame: a microtask runs once the frame's render call has returned.
    const info = gl.info.render;
    queueMicrotask(() => report(sceneId, { drawCalls: info.calls, triangles: info.triangles }));
    report(sceneId, { frames: frames.current });
    if (!done.current) {
      done.current = true;
      report(sceneId, { firstFrameAt: performance.now() });
      onReady();
    }
  });
  return null;
}

/** Whether bloom is worth its cost here: full quality on a hardware GPU. */
function bloomCapable(level) {
  const gl = webglInfo();
  return level === "full" && gl.ok && !gl.software && !frozen();
}

// Phones draw at most 1.5 device pixels per CSS pixel: the difference from 3x is hard to see
// on a small screen and costs up to four times the fill work (and battery).
const PHONE_MAX_DPR = 1.5;

/**
 * Whether ``ref``'s element is on screen in a visible tab (IntersectionObserver plus
 * visibilitychange). Off screen or hidden, a scene draws nothing at all.
 */
export function useShown(ref) {
  const [shown, setShown] = useState(true);
  useEffect(() => {
    const el = ref.current;
    if (!el) return undefined;
    let onScreen = true;
    const update = () => setShown(onScreen && document.visibilityState !== "hidden");
    const seen = new IntersectionObserver((entries) => {
      onScreen = entries[entries.length - 1].isIntersecting;
      update();
    });
    seen.observe(el);
    document.addEventListener("visibilitychange", update);
    return () => {
      seen.disconnect();
      document.removeEventListener("visibilitychange", update);
    };
  }, [ref]);
  return shown;
}

/** Asks for one frame when the scene comes back on screen (its frame loop was "never"). */
function Resume({ shown }) {
  const invalidate = useThree((s) => s.invalidate);
  useEffect(() => {
    if (shown) invalidate();
  }, [shown, invalidate]);
  return null;
}

/** The device pixel ratio a level may use here: 1 for reduced or software, 1.5 on phones. */
export function maxDprFor(level) {
  if (level === "reduced" || webglInfo().software) return 1;
  const cap = isPhone() && !legacyLoop() ? PHONE_MAX_DPR : 2;
  return Math.min(cap, window.devicePixelRatio || 1);
}

/**
 * The canvas every scene uses. Props: level, sceneId, fail(reason), animate (continuous
 * frames; only the legacy loop and benchmarks use it), camera, xr (the loaded XR module or
 * null), children, minFps (adaptive quality lowers the resolution below it; default 24).
 *
 * Frames are drawn on demand: a scene calls invalidate() when something changed (a pointer,
 * a key, new props) and from useFrame while it animates, so an idle scene draws 0 frames a
 * second. Off screen or in a hidden tab the loop is "never": not even an invalidate draws.
 */
export function SceneCanvas({ level, sceneId, fail, animate, camera, xr, children, onPointerMissed, minFps = 24 }) {
  const software = webglInfo().software;
  const maxDpr = maxDprFor(level);
  // Software rendering (no GPU) starts lower; the monitor raises it when frames allow.
  const [dpr, setDpr] = useState(software ? Math.min(maxDpr, 0.75) : maxDpr);
  const auto = readChoice() === "auto";
  const continuous = (animate || forceAnimate()) && !frozen();
  const box = useRef(null);
  const shown = useShown(box) || legacyLoop();
  const frameloop = !shown ? "never" : continuous ? "always" : "demand";
  useEffect(() => report(sceneId, { dpr, frameloop }), [sceneId, dpr, frameloop]);
  const content = (
    <>
      {children}
      {bloomCapable(level) ? (
        <Suspense fallback={null}>
          <Effects />
        </Suspense>
      ) : null}
    </>
  );
  return (
    <div ref={box} className="scene3d-box">
      <Canvas
        dpr={dpr}
        frameloop={frameloop}
        camera={camera}
        gl={{ antialias: level === "full" && !software, powerPreference: "high-performance", preserveDrawingBuffer: frozen() }}
        onPointerMissed={onPointerMissed}
        onCreated={({ gl }) => {
          const canvas = gl.domElement;
          canvas.addEventListener("webglcontextlost", (event) => {
            event.preventDefault();
            // Unmounting (a quality change) also loses the context: only a live canvas fails.
            window.setTimeout(() => canvas.isConnected && fail("lost"), 0);
          });
        }}
      >
        <Resume shown={shown} />
        {continuous ? (
          <PerformanceMonitor
            bounds={() => [minFps, 55]}
            iterations={4}
            flipflops={4}
            onDecline={() => setDpr((d) => Math.max(0.4, +(d * 0.75).toFixed(2)))}
            onIncline={() => setDpr((d) => Math.min(maxDpr, +(d + 0.25).toFixed(2)))}
            onFallback={() => (auto ? fail("slow") : setDpr(0.5))}
          />
        ) : null}
        {xr ? <xr.XRScope>{content}</xr.XRScope> : content}
      </Canvas>
    </div>
  );
}

/** Load the XR module when the level asks for it; returns the module or null. */
export function useXR(level) {
  const [mod, setMod] = useState(null);
  useEffect(() => {
    if (level !== "xr" || mod) return;
    let live = true;
    import("./XRScope.jsx").then((m) => live && setMod(m));
    return () => {
      live = false;
    };
  }, [level, mod]);
  return level === "xr" ? mod : null;
}

export function EnterXR({ xr }) {
  if (!xr) return null;
  return (
    <button type="button" className="scene3d-xr" onClick={() => xr.store.enterVR()}>
      Enter VR
    </button>
  );
}
