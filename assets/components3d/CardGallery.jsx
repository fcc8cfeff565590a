// The card gallery: hundreds of cards in one instanced draw call, foil per instance.
import React, { Suspense, useEffect, useLayoutEffect, useMemo, useRef, useState } from "react";
import { useFrame, useThree } from "@react-three/fiber";
import * as THREE from "three";
import { Stage } from "./Stage.jsx";
import { ReadyOnFrame, SceneCanvas } from "./scene-kit.jsx";
import { FOILS, RARITY_LABELS, galleryMaterial } from "./foil.js";
import { frozen, prefersReducedMotion, rafThrottle, report } from "./runtime.js";

export const MAX_CARDS = 2000;
const W = 1;
const H = 1.4;
const GAP = 0.18;

function validCards(cards) {
  return (
    Array.isArray(cards) &&
    cards.length <= MAX_CARDS &&
    cards.every((c) => c && Number.isInteger(c.id) && typeof c.name === "string" && FOILS.includes(c.foil))
  );
}

function layout(count) {
  const cols = Math.max(1, Math.ceil(Math.sqrt(count * 1.7)));
  const rows = Math.max(1, Math.ceil(count / cols));
  return { cols, rows, width: cols * (W + GAP), height: rows * (H + GAP) };
}

function hueOf(text) {
  let h = 0;
  for (let i = 0; i < text.length; i += 1) h = (h * 31 + text.charCodeAt(i)) >>> 0;
  return (h % 360) / 360;
}

function Cards({ cards, selected, hovered, setHovered, onPick, sceneId, pointer }) {
  const mesh = useRef();
  const material = useMemo(() => galleryMaterial(), []);
  const geometry = useMemo(() => new THREE.PlaneGeometry(W, H), []);
  const grid = useMemo(() => layout(cards.length), [cards.length]);
  const invalidate = useThree((s) => s.invalidate);
  const selectedAttr = useRef(null);

  useLayoutEffect(() => {
    const n = cards.length;
    const foil = new Float32Array(n);
    const hue = new Float32Array(n);
    const chosen = new Float32Array(n);
    cards.forEach((c, i) => {
      foil[i] = FOILS.indexOf(c.foil);
      hue[i] = hueOf(c.name);
    });
    geometry.setAttribute("aFoil", new THREE.InstancedBufferAttribute(foil, 1));
    geometry.setAttribute("aHue", new THREE.InstancedBufferAttribute(hue, 1));
    selectedAttr.current = new THREE.InstancedBufferAttribute(chosen, 1);
    geometry.setAttribute("aSelected", selectedAttr.current);
    invalidate();
  }, [cards, geometry, invalidate]);

  useLayoutEffect(() => {
    const m = new THREE.Matrix4();
    const q = new THREE.Quaternion();
    const e = new THREE.Euler();
    const s = new THREE.Vector3();
    const p = new THREE.Vector3();
    cards.forEach((c, i) => {
      const col = i % grid.cols;
      const row = Math.floor(i / grid.cols);
      p.set(
        (col - (grid.cols - 1) / 2) * (W + GAP),
        ((grid.rows - 1) / 2 - row) * (H + GAP),
        i === hovered ? 0.3 : 0,
      );
      e.set(i === hovered ? -pointer.current.y * 0.3 : 0, i === hovered ? pointer.current.x * 0.4 : 0, 0);
      q.setFromEuler(e);
      const k = i === hovered ? 1.12 : 1;
      s.set(k, k, k);
      mesh.current.setMatrixAt(i, m.compose(p, q, s));
    });
    mesh.current.count = cards.length;
    mesh.current.instanceMatrix.needsUpdate = true;
    mesh.current.computeBoundingSphere();
    invalidate();
  }, [cards, grid, hovered, pointer, invalidate]);

  useEffect(() => {
    const attr = selectedAttr.current;
    if (!attr) return;
    attr.array.fill(0);
    const index = cards.findIndex((c) => c.id === selected);
    if (index >= 0) attr.array[index] = 1;
    attr.needsUpdate = true;
    report(sceneId, { selectedId: selected ?? null, count: cards.length });
    invalidate();
  }, [cards, selected, sceneId, invalidate]);

  useEffect(() => () => [material, geometry].forEach((x) => x.dispose()), [material, geometry]);
  useFrame(() => material.uniforms.uPointer.value.set(pointer.current.x, pointer.current.y));

  return (
    <instancedMesh
      ref={mesh}
      args={[geometry, material, cards.length]}
      onPointerMove={(e) => {
        e.stopPropagation();
        if (e.instanceId !== hovered) setHovered(e.instanceId);
      }}
      onPointerOut={() => setHovered(null)}
      onClick={(e) => {
        e.stopPropagation();
        onPick(e.instanceId);
      }}
    />
  );
}

function Fit({ grid }) {
  const { camera, size } = useThree();
  useLayoutEffect(() => {
    const aspect = size.width / Math.max(1, size.height);
    const fov = (camera.fov * Math.PI) / 180;
    const byHeight = grid.height / 2 / Math.tan(fov / 2);
    const byWidth = grid.width / aspect / 2 / Math.tan(fov / 2);
    camera.position.set(0, 0, Math.max(byHeight, byWidth) * 1.05 + 1);
    camera.far = camera.position.z + 20;
    camera.updateProjectionMatrix();
  }, [camera, size, grid]);
  return null;
}

function GalleryCanvas({ level, fail, ready, props }) {
  const { cards, selectedId, onSelect, label, sceneId } = props;
  const [hovered, setHovered] = useState(null);
  const [cursor, setCursor] = useState(0);
  const pointer = useRef({ x: 0, y: 0 });
  const grid = useMemo(() => layout(cards.length), [cards.length]);
  const reduced = level === "reduced" || prefersReducedMotion();
  const pick = (index) => {
    const card = cards[index];
    if (card && onSelect) onSelect({ id: card.id });
  };
  const onMove = useMemo(
    () =>
      rafThrottle((pos) => {
        if (reduced || frozen()) return;
        pointer.current.x = pos.x;
        pointer.current.y = pos.y;
      }),
    [reduced],
  );
  const onKeyDown = (event) => {
    const delta = { ArrowLeft: -1, ArrowRight: 1, ArrowUp: -grid.cols, ArrowDown: grid.cols }[event.key];
    if (delta !== undefined) {
      event.preventDefault();
      const next = Math.max(0, Math.min(cards.length - 1, cursor + delta));
      setCursor(next);
      setHovered(next);
    } else if (event.key === "Enter" || event.key === " ") {
      event.preventDefault();
      pick(cursor);
    }
  };
  const current = cards[cursor];
  return (
    <div
      className="scene3d-interactive"
      role="application"
      aria-roledescription="card gallery"
      tabIndex={0}
      aria-label={`${label}. Arrow keys move between cards, Enter picks one.`}
      onKeyDown={onKeyDown}
      onPointerMove={(e) => {
        const box = e.currentTarget.getBoundingClientRect();
        onMove({ x: ((e.clientX - box.left) / box.width) * 2 - 1, y: ((e.clientY - box.top) / box.height) * 2 - 1 });
      }}
    >
      <SceneCanvas level={level} sceneId={sceneId} fail={fail} animate={false} camera={{ position: [0, 0, 30], fov: 40 }}>
        <Fit grid={grid} />
        <Suspense fallback={null}>
          <Cards
            cards={cards}
            selected={selectedId}
            hovered={hovered}
            setHovered={setHovered}
            onPick={pick}
            sceneId={sceneId}
            pointer={pointer}
          />
          <ReadyOnFrame onReady={ready} sceneId={sceneId} />
        </Suspense>
      </SceneCanvas>
      <p className="scene3d-cursor" aria-live="polite">
        {current ? `${current.name}: ${RARITY_LABELS[current.foil]}` : ""}
      </p>
    </div>
  );
}

function CssGallery({ cards, onSelect, selectedId, flat }) {
  return (
    <ul className={`holo-grid${flat ? " holo-grid--flat" : ""}`}>
      {cards.map((c) => (
        <li key={c.id}>
          <button
            type="button"
            className={`holo-mini holo-card--${c.foil}`}
            aria-pressed={c.id === selectedId}
            onClick={() => onSelect && onSelect({ id: c.id })}
          >
            <span className="holo-mini__name">{c.name}</span>
            <span className="holo-mini__rarity">{RARITY_LABELS[c.foil]}</span>
          </button>
        </li>
      ))}
    </ul>
  );
}

/** The instanced card gallery: see components3d/gallery.py for the props. */
export function CardGallery(props) {
  const { cards, label, poster, sceneId = "gallery" } = props;
  const ok = validCards(cards);
  const full = { ...props, sceneId, cards: ok ? cards : [] };
  return (
    <Stage
      sceneId={sceneId}
      label={label}
      poster={poster}
      invalid={ok ? "" : "cards"}
      className="scene3d--gallery"
      render={(level, fail, ready) => <GalleryCanvas level={level} fail={fail} ready={ready} props={full} />}
      renderCss={() => <CssGallery {...full} />}
      renderStatic={() => (ok ? <CssGallery {...full} flat /> : <p className="scene3d-static__text">The gallery cannot be shown.</p>)}
    />
  );
}
