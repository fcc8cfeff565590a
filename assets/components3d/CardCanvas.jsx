// The 3D trading card (three.js): loaded only when the card's frame is visible and the page is
// idle (Stage.jsx), so the solution page never waits for three.js.
import React, { Suspense, useEffect, useMemo, useRef } from "react";
import { useFrame, useThree } from "@react-three/fiber";
import { RoundedBox } from "@react-three/drei";
import * as THREE from "three";
import { ReadyOnFrame, SceneCanvas, StudioLights } from "./scene-kit.jsx";
import { FOILS, RARITY_LABELS, cardMaterial } from "./foil.js";
import { frozen, prefersReducedMotion, rafThrottle, report } from "./runtime.js";

function wrap(ctx, text, x, y, width, lineHeight, maxLines) {
  const words = String(text).split(/\s+/);
  let line = "";
  let lines = 0;
  for (const word of words) {
    const test = line ? `${line} ${word}` : word;
    if (ctx.measureText(test).width > width && line) {
      ctx.fillText(line, x, y + lines * lineHeight);
      lines += 1;
      line = word;
      if (lines >= maxLines) return;
    } else {
      line = test;
    }
  }
  if (line) ctx.fillText(line, x, y + lines * lineHeight);
}

export function cardTexture({ name, subtitle, foil, rating, reviews, hue, line }) {
  const w = 512;
  const h = 716;
  const canvas = document.createElement("canvas");
  canvas.width = w;
  canvas.height = h;
  const ctx = canvas.getContext("2d");
  const frame = { regular: "#cbd5e1", reverse: "#93c5fd", rainbow: "#c4b5fd", secret: "#fcd34d" }[foil];
  ctx.fillStyle = frame;
  ctx.fillRect(0, 0, w, h);
  ctx.fillStyle = "#141026";
  ctx.fillRect(26, 26, w - 52, h - 52);
  const art = ctx.createLinearGradient(0, 100, w, 440);
  art.addColorStop(0, `hsl(${hue * 360}, 70%, 55%)`);
  art.addColorStop(1, `hsl(${(hue * 360 + 80) % 360}, 70%, 30%)`);
  ctx.fillStyle = art;
  ctx.fillRect(41, 100, w - 82, 344);
  ctx.fillStyle = "rgba(255,255,255,0.85)";
  ctx.font = "bold 150px sans-serif";
  ctx.textAlign = "center";
  ctx.fillText((name.trim()[0] || "?").toUpperCase(), w / 2, 330);
  ctx.textAlign = "left";
  ctx.fillStyle = "#ffffff";
  ctx.font = "bold 36px sans-serif";
  wrap(ctx, name, 44, 74, w - 88, 40, 1);
  ctx.font = "24px sans-serif";
  ctx.fillStyle = "#e2e8f0";
  wrap(ctx, subtitle || "", 44, 490, w - 88, 30, 3);
  ctx.font = "bold 28px sans-serif";
  ctx.fillStyle = frame;
  // A trader's card gives its record's line instead of a rating.
  const figures = line || `\u2605 ${rating.toFixed(1)}  \u00b7  ${reviews} ${reviews === 1 ? "review" : "reviews"}`;
  ctx.fillText(figures, 44, 620, w - 88);
  ctx.font = "bold 22px sans-serif";
  ctx.fillText(RARITY_LABELS[foil].toUpperCase(), 44, 660);
  const texture = new THREE.CanvasTexture(canvas);
  texture.anisotropy = 4;
  return texture;
}

export function hueOf(text) {
  let h = 0;
  for (let i = 0; i < text.length; i += 1) h = (h * 31 + text.charCodeAt(i)) >>> 0;
  return (h % 360) / 360;
}

function Card({ props, level, tilt }) {
  const { name, subtitle, foil, rating, reviewCount, sceneId, flipped } = props;
  const mesh = useRef();
  const invalidate = useThree((s) => s.invalidate);
  const hue = hueOf(name);
  const texture = useMemo(
    () => cardTexture({ name, subtitle, foil, rating, reviews: reviewCount, hue }),
    [name, subtitle, foil, rating, reviewCount, hue],
  );
  const material = useMemo(() => cardMaterial(texture, FOILS.indexOf(foil)), [texture, foil]);
  const back = useMemo(() => new THREE.MeshStandardMaterial({ color: "#231a45", metalness: 0.6, roughness: 0.4 }), []);
  useEffect(() => () => [texture, material, back].forEach((x) => x.dispose()), [texture, material, back]);
  useEffect(() => {
    report(sceneId, { name, foil, rating, reviews: reviewCount, flipped: !!flipped });
    invalidate();
  }, [sceneId, name, foil, rating, reviewCount, flipped, invalidate]);

  useFrame((state, delta) => {
    const t = tilt.current;
    const target = flipped ? Math.PI : 0;
    const k = frozen() || level === "reduced" ? 1 : Math.min(1, delta * 8);
    const g = mesh.current.rotation;
    g.x += (-t.y * 0.35 - g.x) * k;
    g.y += (target + t.x * 0.45 - g.y) * k;
    material.uniforms.uPointer.value.set(t.x, t.y);
    const still = Math.abs(-t.y * 0.35 - g.x) < 1e-3 && Math.abs(target + t.x * 0.45 - g.y) < 1e-3;
    if (!still) state.invalidate();
    report(sceneId, { tiltX: +t.x.toFixed(3), tiltY: +t.y.toFixed(3) });
  });
  return (
    <group ref={mesh}>
      <mesh material={material}>
        <planeGeometry args={[2.5, 3.5]} />
      </mesh>
      <RoundedBox args={[2.56, 3.56, 0.03]} radius={0.06} smoothness={2} position={[0, 0, -0.02]} material={back} />
    </group>
  );
}

export function CardCanvas({ level, fail, ready, props }) {
  const { sceneId, label, onFlip, flipped } = props;
  const tilt = useRef({ x: 0, y: 0 });
  const invalidateRef = useRef(null);
  const reduced = level === "reduced" || prefersReducedMotion();

  useEffect(() => {
    if (reduced || frozen() || typeof window.DeviceOrientationEvent === "undefined") return undefined;
    const onTilt = rafThrottle((event) => {
      if (event.gamma == null || event.beta == null) return;
      tilt.current.x = Math.max(-1, Math.min(1, event.gamma / 30));
      tilt.current.y = Math.max(-1, Math.min(1, (event.beta - 45) / 30));
      invalidateRef.current?.();
    });
    window.addEventListener("deviceorientation", onTilt);
    return () => window.removeEventListener("deviceorientation", onTilt);
  }, [reduced]);

  const applyTilt = useMemo(
    () =>
      rafThrottle((pos) => {
        tilt.current.x = pos.x;
        tilt.current.y = pos.y;
        invalidateRef.current?.();
      }),
    [],
  );
  const onPointerMove = (event) => {
    if (reduced) return;
    const box = event.currentTarget.getBoundingClientRect();
    applyTilt({
      x: ((event.clientX - box.left) / box.width) * 2 - 1,
      y: ((event.clientY - box.top) / box.height) * 2 - 1,
    });
  };
  const flipNow = () => onFlip && onFlip({ flipped: !flipped });
  const onKeyDown = (event) => {
    const t = tilt.current;
    const step = { ArrowLeft: [-0.25, 0], ArrowRight: [0.25, 0], ArrowUp: [0, -0.25], ArrowDown: [0, 0.25] }[event.key];
    if (event.key === "Enter" || event.key === " ") {
      event.preventDefault();
      flipNow();
    } else if (step) {
      event.preventDefault();
      t.x = Math.max(-1, Math.min(1, t.x + step[0]));
      t.y = Math.max(-1, Math.min(1, t.y + step[1]));
      invalidateRef.current?.();
    }
  };
  return (
    <div
      className="scene3d-interactive"
      role="button"
      tabIndex={0}
      aria-pressed={!!flipped}
      aria-label={`${label}. Press Enter to flip the card, arrow keys to tilt it.`}
      onPointerMove={onPointerMove}
      onPointerLeave={() => {
        tilt.current.x = 0;
        tilt.current.y = 0;
        invalidateRef.current?.();
      }}
      onClick={flipNow}
      onKeyDown={onKeyDown}
    >
      <SceneCanvas level={level} sceneId={sceneId} fail={fail} animate={false} camera={{ position: [0, 0, 5.4], fov: 42 }}>
        <Invalidator target={invalidateRef} />
        <ambientLight intensity={0.6} />
        <StudioLights />
        <Suspense fallback={null}>
          <Card props={props} level={level} tilt={tilt} />
          <ReadyOnFrame onReady={ready} sceneId={sceneId} />
        </Suspense>
      </SceneCanvas>
    </div>
  );
}

function Invalidator({ target }) {
  const invalidate = useThree((s) => s.invalidate);
  target.current = invalidate;
  return null;
}
