// Pieces shared by the three.js scenes: the canvas with adaptive quality, environment light
// baked once, the ready signal that hides the poster, and the optional XR scope and bloom.
import React, { Suspense, lazy, memo, useEffect, useRef, useState } from "react";
import { Canvas, useFrame, useThree } from "@react-three/fiber";
import { PerformanceMonitor } from "@react-three/drei";
import * as THREE from "three";
import { RoomEnvironment } from "three/examples/jsm/environments/RoomEnvironment.js";
import { forceAnimate, frozen, readChoice, report, webglInfo } from "./runtime.js";

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
  const software = webglInfo().software;
  const maxDpr = level === "reduced" || software ? 1 : Math.min(2, window.devicePixelRatio || 1);
  // Software rendering (no GPU) starts lower; the monitor raises it when frames allow.
  const [dpr, setDpr] = useState(software ? Math.min(maxDpr, 0.75) : maxDpr);
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
      {continuous ? (
        <PerformanceMonitor
          bounds={() => [24, 55]}
          iterations={4}
          flipflops={4}
          onDecline={() => setDpr((d) => Math.max(0.4, +(d * 0.75).toFixed(2)))}
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
