// The gallery in three.js: rooms (zones) joined by doorways, cards framed on their walls
// (instanced per wall segment), the platform's picks on the first room's north wall, the rarest
// cards in display cases (RoomParts.jsx). Only what shows through the doorways is drawn
// (room-portals.js). Walk with the keyboard, the mouse (drag, wheel), touch (drag, pinch) or the
// buttons; a click brings a card close with its foil. Frames are drawn on demand: a still room
// draws none.
import React, { Suspense, useCallback, useEffect, useMemo, useRef, useState } from "react";
import { useFrame, useThree } from "@react-three/fiber";
import * as THREE from "three";
import { EnterXR, ReadyOnFrame, SceneCanvas, useXR } from "./scene-kit.jsx";
import { FOILS, RARITY_LABELS, cardMaterial, galleryMaterial } from "./foil.js";
import { cardTexture, hueOf } from "./CardCanvas.jsx";
import { frozen, prefersReducedMotion, report } from "./runtime.js";
import { planRoom, standable, zoneAt, EYE, FRAME } from "./room-plan.js";
import { cullRoom } from "./room-portals.js";
import { Cases, Segment, Shell } from "./RoomParts.jsx";
import { Burst, Sparkle } from "./sparks.jsx";

const STEP = 0.6; // metres per key press
const TURN = Math.PI / 12; // radians per key press
const LOOK = 0.005; // radians per dragged pixel
const AHEAD_COS = Math.cos(THREE.MathUtils.degToRad(28));
const BURST_COLORS = { regular: "#e2e8f0", reverse: "#93c5fd", rainbow: "#f0abfc", secret: "#fcd34d" };
const RARE = new Set(["rainbow", "secret"]);
// Adaptive quality lowers the resolution until the room keeps this many frames a second.
const ROOM_MIN_FPS = 32;

function clamp(v, lo, hi) {
  return Math.max(lo, Math.min(hi, v));
}

/**
 * Move the walk target ``forward`` metres ahead and ``strafe`` to the right: through doorways,
 * never through a wall or a case (sliding along it when only one direction is blocked).
 */
function walk(nav, forward, strafe, room) {
  const s = Math.sin(nav.tyaw);
  const c = Math.cos(nav.tyaw);
  const x = clamp(nav.tx - s * forward + c * strafe, -room.halfX, room.halfX);
  const z = clamp(nav.tz - c * forward - s * strafe, room.minZ, room.maxZ);
  for (const [nx, nz] of [[x, z], [nav.tx, z], [x, nav.tz]]) {
    if (standable(room, nx, nz)) {
      nav.tx = nx;
      nav.tz = nz;
      break;
    }
  }
  nav.invalidate?.();
}

function turn(nav, yaw, pitch = 0) {
  nav.tyaw += yaw;
  nav.tpitch = clamp(nav.tpitch + pitch, -0.6, 0.6);
  nav.invalidate?.();
}

/** The card most nearly straight ahead of the walker in their zone (within 28 degrees), or null. */
function cardAhead(nav, room) {
  const fx = -Math.sin(nav.tyaw);
  const fz = -Math.cos(nav.tyaw);
  const zone = zoneAt(room, nav.tz);
  let best = null;
  let bestCos = AHEAD_COS;
  for (const slot of room.slots) {
    if (zoneAt(room, slot.position.z) !== zone) continue;
    const dx = slot.position.x - nav.tx;
    const dz = slot.position.z - nav.tz;
    const dy = slot.position.y - EYE;
    const d = Math.hypot(dx, dy, dz);
    if (d < 0.3 || d > 24) continue;
    const cos = (dx * fx + dz * fz) / d;
    if (cos > bestCos) {
      bestCos = cos;
      best = slot;
    }
  }
  return best;
}

/** Keeps the camera on the walker's eased pose; asks for frames only while it moves. */
function Walker({ nav, sceneId, reduced, room, parts }) {
  const drawn = useRef("");
  const camera = useThree((s) => s.camera);
  const invalidate = useThree((s) => s.invalidate);
  useEffect(() => {
    nav.current.invalidate = invalidate;
    camera.rotation.order = "YXZ";
    invalidate();
  }, [nav, camera, invalidate]);
  useFrame((_state, delta) => {
    const n = nav.current;
    const k = reduced || frozen() ? 1 : Math.min(1, delta * 8);
    let moving = false;
    for (const [now, target] of [["x", "tx"], ["z", "tz"], ["yaw", "tyaw"], ["pitch", "tpitch"]]) {
      const gap = n[target] - n[now];
      n[now] = Math.abs(gap) < 1e-3 ? n[target] : n[now] + gap * k;
      if (n[now] !== n[target]) moving = true;
    }
    camera.position.set(n.x, EYE, n.z);
    camera.rotation.set(n.pitch, n.yaw, 0);
    camera.updateMatrixWorld();
    // Only what the walker can see through the doorways is drawn this frame.
    const counts = cullRoom(room, camera, parts);
    const key = `${counts.zonesDrawn}/${counts.segmentsDrawn}`;
    if (key !== drawn.current) {
      drawn.current = key;
      report(sceneId, counts);
    }
    if (moving) invalidate();
    report(sceneId, { x: +n.x.toFixed(2), z: +n.z.toFixed(2), yaw: +n.yaw.toFixed(3) });
  });
  return null;
}

const _target = new THREE.Vector3();
const _forward = new THREE.Vector3();

/** The opened card: flies from its wall to in front of the walker, tilting with the pointer. */
function CloseUp({ slot, reduced, pointer, onClose }) {
  const group = useRef();
  const progress = useRef(reduced ? 1 : 0);
  const camera = useThree((s) => s.camera);
  const size = useThree((s) => s.size);
  const card = slot.card;
  // The burst and the sparkle are motion: none under reduced motion or a frozen test page.
  const motion = !reduced && !frozen();
  const texture = useMemo(
    () =>
      cardTexture({
        name: card.name,
        subtitle: card.subtitle || "",
        foil: card.foil,
        rating: card.rating,
        reviews: card.reviews,
        hue: hueOf(card.name),
        line: card.line || "",
      }),
    [card],
  );
  const material = useMemo(() => cardMaterial(texture, FOILS.indexOf(card.foil)), [texture, card.foil]);
  useEffect(() => () => [texture, material].forEach((x) => x.dispose()), [texture, material]);
  useFrame((state, delta) => {
    const t = (progress.current = reduced || frozen() ? 1 : Math.min(1, progress.current + delta * 2.5));
    const ease = 1 - (1 - t) ** 3;
    // Near enough to fill most of the view, far enough that a narrow (phone) view fits its width.
    const half = THREE.MathUtils.degToRad(camera.fov / 2);
    const aspect = size.width / Math.max(1, size.height);
    const distance = Math.max(2.1, (1.35 / 2 / (Math.tan(half) * aspect)) * 1.12);
    camera.getWorldDirection(_forward);
    _target.copy(camera.position).addScaledVector(_forward, distance);
    group.current.position.lerpVectors(slot.position, _target, ease);
    group.current.quaternion.slerpQuaternions(slot.quaternion, camera.quaternion, ease);
    const p = pointer.current;
    group.current.rotateX(-p.y * 0.25 * ease);
    group.current.rotateY(p.x * 0.35 * ease);
    material.uniforms.uPointer.value.set(p.x, p.y);
    if (t < 1) state.invalidate();
  });
  return (
    <group ref={group}>
      <mesh
        material={material}
        onClick={(e) => {
          e.stopPropagation();
          onClose();
        }}
      >
        <planeGeometry args={[1.25, 1.75]} />
      </mesh>
      {motion ? <Burst color={BURST_COLORS[card.foil]} /> : null}
      {motion && RARE.has(card.foil) ? <Sparkle pointer={pointer} width={1.2} height={1.7} /> : null}
    </group>
  );
}

/** Benchmarks set window.__aixplore3dStartYaw (radians) to start facing another way. */
function startYaw() {
  const yaw = typeof window !== "undefined" ? window.__aixplore3dStartYaw : undefined;
  return typeof yaw === "number" && Number.isFinite(yaw) ? yaw : 0;
}

export function RoomCanvas({ level, fail, ready, props }) {
  const { cards, featured, openId, onOpen, label, sceneId } = props;
  const reduced = level === "reduced" || prefersReducedMotion();
  const room = useMemo(() => planRoom(cards, featured), [cards, featured]);
  const nav = useRef(null);
  if (nav.current === null) {
    const yaw = startYaw();
    nav.current = { ...room.start, tx: room.start.x, tz: room.start.z, tyaw: yaw, tpitch: 0, yaw, pitch: 0 };
  }
  // Which meshes make each wall segment, for the portal test (filled as segments mount).
  const parts = useMemo(() => new Map(), [room]);
  const register = useCallback((key, part) => parts.set(key, part), [parts]);
  const drag = useRef({ pointers: new Map(), moved: 0, pinch: 0 });
  const pointer = useRef({ x: 0, y: 0 });
  const view = useRef(null);
  const xr = useXR(level);
  const [ahead, setAhead] = useState(null);
  const faceMaterial = useMemo(() => galleryMaterial(), []);
  const frameGeometry = useMemo(() => new THREE.BoxGeometry(FRAME.w, FRAME.h, FRAME.d), []);
  // Lambert, not a PBR material: one cheaper shader to compile before the first frame.
  const frameMaterial = useMemo(() => new THREE.MeshLambertMaterial(), []);
  useEffect(() => () => [faceMaterial, frameGeometry, frameMaterial].forEach((x) => x.dispose()), [
    faceMaterial,
    frameGeometry,
    frameMaterial,
  ]);
  const caseSegment = useMemo(() => ({ key: "cases", zone: 0, slots: room.cases }), [room]);
  const openSlot = useMemo(() => room.slots.find((s) => s.card.id === openId) || null, [room, openId]);
  useEffect(() => {
    report(sceneId, {
      count: cards.length,
      featured: featured.length,
      segments: room.segments.length,
      zones: room.zones.length,
      cases: room.cases.length,
      openId: openId || 0,
    });
  }, [sceneId, cards.length, featured.length, room, openId]);

  const open = (slot) => {
    if (drag.current.moved > 6 || !onOpen) return;
    onOpen({ id: slot.card.id });
  };
  const close = () => onOpen && onOpen({ id: 0 });
  const afterMove = () => setAhead(cardAhead(nav.current, room));

  const onKeyDown = (event) => {
    const n = nav.current;
    const key = event.key.length === 1 ? event.key.toLowerCase() : event.key;
    const moves = {
      ArrowUp: () => walk(n, STEP, 0, room),
      w: () => walk(n, STEP, 0, room),
      ArrowDown: () => walk(n, -STEP, 0, room),
      s: () => walk(n, -STEP, 0, room),
      a: () => walk(n, 0, -STEP, room),
      d: () => walk(n, 0, STEP, room),
      ArrowLeft: () => turn(n, TURN),
      ArrowRight: () => turn(n, -TURN),
      q: () => turn(n, TURN),
      e: () => turn(n, -TURN),
    };
    if (moves[key]) {
      event.preventDefault();
      moves[key]();
      afterMove();
    } else if (key === "Enter" || key === " ") {
      event.preventDefault();
      const slot = cardAhead(n, room);
      if (slot && onOpen) onOpen({ id: slot.card.id === openId ? 0 : slot.card.id });
    } else if (key === "Escape" && openId) {
      event.preventDefault();
      close();
    }
  };

  // The wheel walks; a non-passive listener so the page does not scroll under the room.
  useEffect(() => {
    const el = view.current;
    if (!el) return undefined;
    const onWheel = (event) => {
      event.preventDefault();
      walk(nav.current, clamp(-event.deltaY * 0.004, -1.2, 1.2), 0, room);
      setAhead(cardAhead(nav.current, room));
    };
    el.addEventListener("wheel", onWheel, { passive: false });
    return () => el.removeEventListener("wheel", onWheel);
  }, [room]);

  const onPointerDown = (event) => {
    const d = drag.current;
    d.pointers.set(event.pointerId, { x: event.clientX, y: event.clientY });
    if (d.pointers.size === 1) d.moved = 0;
    d.pinch = 0;
  };
  const onPointerMove = (event) => {
    const d = drag.current;
    const box = event.currentTarget.getBoundingClientRect();
    pointer.current.x = ((event.clientX - box.left) / box.width) * 2 - 1;
    pointer.current.y = ((event.clientY - box.top) / box.height) * 2 - 1;
    const last = d.pointers.get(event.pointerId);
    if (openId && !reduced) nav.current.invalidate?.();
    if (!last) return;
    const dx = event.clientX - last.x;
    const dy = event.clientY - last.y;
    last.x = event.clientX;
    last.y = event.clientY;
    d.moved += Math.abs(dx) + Math.abs(dy);
    if (d.pointers.size === 2) {
      const [a, b] = [...d.pointers.values()];
      const spread = Math.hypot(a.x - b.x, a.y - b.y);
      if (d.pinch) walk(nav.current, (spread - d.pinch) * 0.02, 0, room);
      d.pinch = spread;
    } else if (d.pointers.size === 1) {
      turn(nav.current, -dx * LOOK, -dy * LOOK);
    }
  };
  const onPointerUp = (event) => {
    drag.current.pointers.delete(event.pointerId);
    drag.current.pinch = 0;
    afterMove();
  };
  const button = (text, name, act) => (
    <button type="button" className="room-controls__button" aria-label={name} title={name} onClick={act}>
      {text}
    </button>
  );
  const n = nav.current;
  return (
    <>
      <div
        ref={view}
        className="scene3d-interactive room-view"
        role="application"
        aria-roledescription="3D gallery"
        tabIndex={0}
        aria-label={`${label}. Arrow keys or W, A, S, D walk and turn; Enter opens the card ahead; Escape puts it back.`}
        onKeyDown={onKeyDown}
        onPointerDown={onPointerDown}
        onPointerMove={onPointerMove}
        onPointerUp={onPointerUp}
        onPointerCancel={onPointerUp}
      >
        <SceneCanvas
          level={level}
          sceneId={sceneId}
          fail={fail}
          animate={false}
          minFps={ROOM_MIN_FPS}
          camera={{ position: [n.x, EYE, n.z], fov: 60, near: 0.05, far: room.far }}
          xr={xr}
          onPointerMissed={() => (openId ? close() : null)}
        >
          <color attach="background" args={["#1b1830"]} />
          <hemisphereLight args={["#ffffff", "#3b2f55", 1.4]} />
          <directionalLight position={[3, 8, 4]} intensity={0.9} />
          <Walker nav={nav} sceneId={sceneId} reduced={reduced} room={room} parts={parts} />
          <Shell room={room} />
          {[...room.segments, ...(room.cases.length ? [caseSegment] : [])].map((segment) => (
            <Segment
              key={segment.key}
              segment={segment}
              faceMaterial={faceMaterial}
              frameGeometry={frameGeometry}
              frameMaterial={frameMaterial}
              openId={openId}
              onPick={open}
              register={register}
            />
          ))}
          <Cases room={room} register={register} />
          {openSlot ? <CloseUp key={openSlot.card.id} slot={openSlot} reduced={reduced} pointer={pointer} onClose={close} /> : null}
          <Suspense fallback={null}>
            <ReadyOnFrame onReady={ready} sceneId={sceneId} />
          </Suspense>
        </SceneCanvas>
        <p className={ahead ? "scene3d-cursor" : "scene3d-cursor room-view__empty"} aria-live="polite">
          {ahead ? `Ahead: ${ahead.card.name}, ${RARITY_LABELS[ahead.card.foil]}` : ""}
        </p>
      </div>
      <div className="room-controls">
        <div className="room-controls__buttons" role="group" aria-label="Walk">
          {button("\u2190", "Turn left", () => (turn(n, TURN), afterMove()))}
          {button("\u2191", "Step forward", () => (walk(n, STEP, 0, room), afterMove()))}
          {button("\u2193", "Step back", () => (walk(n, -STEP, 0, room), afterMove()))}
          {button("\u2192", "Turn right", () => (turn(n, -TURN), afterMove()))}
          {openId ? button("\u2715", "Put the card back", close) : null}
        </div>
        <ul className="room-hints">
          <li>Mouse: drag to look, scroll to walk, click a card.</li>
          <li>Keys: arrows or WASD walk and turn, Enter opens the card ahead, Esc puts it back.</li>
          <li>Touch: drag to look, pinch to walk, tap a card.</li>
        </ul>
        <EnterXR xr={xr} />
      </div>
    </>
  );
}
