// Pieces shared by the three.js scenes: the canvas with adaptive quality, environment light
// baked once, the ready signal that hides the poster, and the optional XR scope and bloom.
import React, { Suspense, lazy, memo, useEffect, useRef, useState } from "react";
import { Canvas, useFrame, useThree } from "@react-three/fiber";
import { Environment, Lightformer, PerformanceMonitor } from "@react-three/drei";
import { forceAnimate, frozen, readChoice, report, webglInfo } from "./runtime.js";

const Effects = lazy(() => import("./Effects.jsx"));

/** Studio light baked into a small cube map once (no CDN preset); memoised so state changes do not re-bake it. */
export const StudioLights = memo(function StudioLights({ resolution }) {
  return (
    <Environment resolution={resolution} frames={1}>
      <Lightformer intensity={2.2} position={[0, 3, 3]} scale={[6, 1.2, 1]} />
      <Lightformer intensity={1.4} position={[-4, 0, 1]} rotation-y={Math.PI / 2} scale={[4, 3, 1]} color="#b9a6ff" />
      <Lightformer intensity={1.4} position={[4, -1, 1]} rotation-y={-Math.PI / 2} scale={[4, 3, 1]} color="#7fe3ff" />
      <Lightformer intensity={0.8} position={[0, -3, 2]} scale={[6, 1, 1]} color="#ffd27a" />
    </Environment>
  );
});

/** Calls onReady once, after the first frame that drew the scene's content. */
export function ReadyOnFrame({ onReady, sceneId }) {
  const done = useRef(false);
  const frames = useRef(0);
  const gl = useThree((s) => s.gl);
  useFrame(() => {
    frames.current += 1;
    const info = gl.info.render;
    report(sceneId, { frames: frames.current, drawCalls: info.calls, triangles: info.triangles });
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

/**
 * The canvas every scene uses. Props: level, sceneId, fail(reason), animate (continuous
 * frames), camera, xr (the loaded XR module or null), children.
 */
export function SceneCanvas({ level, sceneId, fail, animate, camera, xr, children, onPointerMissed }) {
  const maxDpr = level === "reduced" ? 1 : Math.min(2, window.devicePixelRatio || 1);
  const [dpr, setDpr] = useState(maxDpr);
  const auto = readChoice() === "auto";
  const continuous = (animate || forceAnimate()) && !frozen();
  useEffect(() => report(sceneId, { dpr }), [sceneId, dpr]);
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
    <Canvas
      dpr={dpr}
      frameloop={continuous ? "always" : "demand"}
      camera={camera}
      gl={{ antialias: level === "full", powerPreference: "high-performance", preserveDrawingBuffer: frozen() }}
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
      {continuous ? (
        <PerformanceMonitor
          bounds={() => [24, 55]}
          flipflops={4}
          onDecline={() => setDpr((d) => Math.max(0.5, +(d - 0.25).toFixed(2)))}
          onIncline={() => setDpr((d) => Math.min(maxDpr, +(d + 0.25).toFixed(2)))}
          onFallback={() => (auto ? fail("slow") : setDpr(0.5))}
        />
      ) : null}
      {xr ? <xr.XRScope>{content}</xr.XRScope> : content}
    </Canvas>
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
