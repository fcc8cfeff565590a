// The gallery room in three.js: cards framed on three walls (instanced per wall segment, so a
// segment behind the camera is frustum-culled whole), the platform's picks on the fourth;
// walk with the keyboard, the mouse (drag, wheel), touch (drag, pinch) or the buttons; a click
// brings a card close with its foil. Frames are drawn on demand: a still room draws none.
import React, { Suspense, useEffect, useLayoutEffect, useMemo, useRef, useState } from "react";
import { useFrame, useThree } from "@react-three/fiber";
import * as THREE from "three";
import { EnterXR, ReadyOnFrame, SceneCanvas, useXR } from "./scene-kit.jsx";
import { FOILS, RARITY_LABELS, cardMaterial, galleryMaterial } from "./foil.js";
import { cardTexture, hueOf } from "./CardCanvas.jsx";
import { frozen, prefersReducedMotion, report } from "./runtime.js";
import { planRoom, EYE, FRAME, CARD } from "./room-plan.js";
import { Burst, Sparkle } from "./sparks.jsx";

const STEP = 0.6; // metres per key press
const TURN = Math.PI / 12; // radians per key press
const LOOK = 0.005; // radians per dragged pixel
const AHEAD_COS = Math.cos(THREE.MathUtils.degToRad(28));
const FRAME_COLORS = { regular: "#8b8fa3", reverse: "#7fb2e5", rainbow: "#a78bfa", secret: "#e0b84a" };
const BURST_COLORS = { regular: "#e2e8f0", reverse: "#93c5fd", rainbow: "#f0abfc", secret: "#fcd34d" };
const RARE = new Set(["rainbow", "secret"]);

function clamp(v, lo, hi) {
  return Math.max(lo, Math.min(hi, v));
}

/** Move the walk target ``forward`` metres ahead and ``strafe`` to the right, inside the room. */
function walk(nav, forward, strafe, room) {
  const s = Math.sin(nav.tyaw);
  const c = Math.cos(nav.tyaw);
  nav.tx = clamp(nav.tx - s * forward + c * strafe, -room.halfX, room.halfX);
  nav.tz = clamp(nav.tz - c * forward - s * strafe, -room.halfZ, room.halfZ);
  nav.invalidate?.();
}

function turn(nav, yaw, pitch = 0) {
  nav.tyaw += yaw;
  nav.tpitch = clamp(nav.tpitch + pitch, -0.6, 0.6);
  nav.invalidate?.();
}

/** The card most nearly straight ahead of the walker (within 28 degrees), or null. */
function cardAhead(nav, slots) {
  const fx = -Math.sin(nav.tyaw);
  const fz = -Math.cos(nav.tyaw);
  let best = null;
  let bestCos = AHEAD_COS;
  for (const slot of slots) {
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

/** One wall segment: its frames and its card faces, two instanced draw calls. */
function Segment({ segment, faceMaterial, frameGeometry, frameMaterial, openId, onPick }) {
  const faces = useRef();
  const frames = useRef();
  const invalidate = useThree((s) => s.invalidate);
  const n = segment.slots.length;
  const geometry = useMemo(() => {
    const g = new THREE.PlaneGeometry(CARD.w, CARD.h);
    const foil = Float32Array.from(segment.slots, (s) => FOILS.indexOf(s.card.foil));
    const hue = Float32Array.from(segment.slots, (s) => hueOf(s.card.name));
    g.setAttribute("aFoil", new THREE.InstancedBufferAttribute(foil, 1));
    g.setAttribute("aHue", new THREE.InstancedBufferAttribute(hue, 1));
    g.setAttribute("aSelected", new THREE.InstancedBufferAttribute(new Float32Array(n), 1));
    return g;
  }, [segment, n]);
  useEffect(() => () => geometry.dispose(), [geometry]);
  useLayoutEffect(() => {
    const m = new THREE.Matrix4();
    const one = new THREE.Vector3(1, 1, 1);
    const color = new THREE.Color();
    segment.slots.forEach((slot, i) => {
      const scale = one.clone().multiplyScalar(slot.scale);
      frames.current.setMatrixAt(i, m.compose(slot.framePosition, slot.quaternion, scale));
      frames.current.setColorAt(i, color.set(FRAME_COLORS[slot.card.foil]));
      faces.current.setMatrixAt(i, m.compose(slot.position, slot.quaternion, scale));
    });
    for (const mesh of [frames.current, faces.current]) {
      mesh.instanceMatrix.needsUpdate = true;
      mesh.computeBoundingSphere();
    }
    frames.current.instanceColor.needsUpdate = true;
    invalidate();
  }, [segment, invalidate]);
  useEffect(() => {
    const attr = geometry.getAttribute("aSelected");
    segment.slots.forEach((slot, i) => {
      attr.array[i] = slot.card.id === openId ? 1 : 0;
    });
    attr.needsUpdate = true;
    invalidate();
  }, [geometry, segment, openId, invalidate]);
  return (
    <>
      <instancedMesh ref={frames} args={[frameGeometry, frameMaterial, n]} />
      <instancedMesh
        ref={faces}
        args={[geometry, faceMaterial, n]}
        onClick={(e) => {
          e.stopPropagation();
          if (e.instanceId !== undefined) onPick(segment.slots[e.instanceId]);
        }}
      />
    </>
  );
}

/** The room's shell: floor, walls, ceiling and a sign over the featured wall. */
function Shell({ room }) {
  const sign = useMemo(() => {
    const canvas = document.createElement("canvas");
    canvas.width = 1024;
    canvas.height = 128;
    const ctx = canvas.getContext("2d");
    ctx.fillStyle = "#2e1065";
    ctx.fillRect(0, 0, 1024, 128);
    ctx.fillStyle = "#fcd34d";
    ctx.font = "bold 50px sans-serif";
    ctx.textAlign = "center";
    ctx.textBaseline = "middle";
    ctx.fillText("FEATURED \u00b7 PLATFORM PICKS", 512, 66);
    const texture = new THREE.CanvasTexture(canvas);
    texture.colorSpace = THREE.SRGBColorSpace;
    return texture;
  }, []);
  useEffect(() => () => sign.dispose(), [sign]);
  const { width, depth, height } = room;
  const wall = "#ebe7f3";
  return (
    <group>
      <mesh rotation={[-Math.PI / 2, 0, 0]}>
        <planeGeometry args={[width, depth]} />
        <meshStandardMaterial color="#4a4066" roughness={0.9} />
      </mesh>
      <mesh rotation={[Math.PI / 2, 0, 0]} position={[0, height, 0]}>
        <planeGeometry args={[width, depth]} />
        <meshStandardMaterial color="#2a2540" roughness={1} />
      </mesh>
      <mesh position={[0, height / 2, -depth / 2]}>
        <planeGeometry args={[width, height]} />
        <meshStandardMaterial color="#d9d2ee" roughness={0.95} />
      </mesh>
      <mesh position={[0, height / 2, depth / 2]} rotation={[0, Math.PI, 0]}>
        <planeGeometry args={[width, height]} />
        <meshStandardMaterial color={wall} roughness={0.95} />
      </mesh>
      <mesh position={[-width / 2, height / 2, 0]} rotation={[0, Math.PI / 2, 0]}>
        <planeGeometry args={[depth, height]} />
        <meshStandardMaterial color={wall} roughness={0.95} />
      </mesh>
      <mesh position={[width / 2, height / 2, 0]} rotation={[0, -Math.PI / 2, 0]}>
        <planeGeometry args={[depth, height]} />
        <meshStandardMaterial color={wall} roughness={0.95} />
      </mesh>
      <mesh position={[0, room.signY, -depth / 2 + 0.02]}>
        <planeGeometry args={[6, 0.75]} />
        <meshBasicMaterial map={sign} toneMapped={false} />
      </mesh>
    </group>
  );
}

/** Keeps the camera on the walker's eased pose; asks for frames only while it moves. */
function Walker({ nav, sceneId, reduced }) {
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

export function RoomCanvas({ level, fail, ready, props }) {
  const { cards, featured, openId, onOpen, label, sceneId } = props;
  const reduced = level === "reduced" || prefersReducedMotion();
  const room = useMemo(() => planRoom(cards, featured), [cards, featured]);
  const nav = useRef(null);
  if (nav.current === null) {
    nav.current = { ...room.start, tx: room.start.x, tz: room.start.z, tyaw: 0, tpitch: 0, yaw: 0, pitch: 0 };
  }
  const drag = useRef({ pointers: new Map(), moved: 0, pinch: 0 });
  const pointer = useRef({ x: 0, y: 0 });
  const view = useRef(null);
  const xr = useXR(level);
  const [ahead, setAhead] = useState(null);
  const faceMaterial = useMemo(() => galleryMaterial(), []);
  const frameGeometry = useMemo(() => new THREE.BoxGeometry(FRAME.w, FRAME.h, FRAME.d), []);
  const frameMaterial = useMemo(() => new THREE.MeshStandardMaterial({ roughness: 0.45, metalness: 0.5 }), []);
  useEffect(() => () => [faceMaterial, frameGeometry, frameMaterial].forEach((x) => x.dispose()), [
    faceMaterial,
    frameGeometry,
    frameMaterial,
  ]);
  const openSlot = useMemo(() => room.slots.find((s) => s.card.id === openId) || null, [room, openId]);
  useEffect(() => {
    report(sceneId, { count: cards.length, featured: featured.length, segments: room.segments.length, openId: openId || 0 });
  }, [sceneId, cards.length, featured.length, room, openId]);

  const open = (slot) => {
    if (drag.current.moved > 6 || !onOpen) return;
    onOpen({ id: slot.card.id });
  };
  const close = () => onOpen && onOpen({ id: 0 });
  const afterMove = () => setAhead(cardAhead(nav.current, room.slots));

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
      const slot = cardAhead(n, room.slots);
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
      setAhead(cardAhead(nav.current, room.slots));
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
          camera={{ position: [n.x, EYE, n.z], fov: 60, near: 0.05, far: room.far }}
          xr={xr}
          onPointerMissed={() => (openId ? close() : null)}
        >
          <color attach="background" args={["#1b1830"]} />
          <hemisphereLight args={["#ffffff", "#3b2f55", 1.4]} />
          <directionalLight position={[3, 8, 4]} intensity={0.9} />
          <Walker nav={nav} sceneId={sceneId} reduced={reduced} />
          <Shell room={room} />
          {room.segments.map((segment) => (
            <Segment
              key={segment.key}
              segment={segment}
              faceMaterial={faceMaterial}
              frameGeometry={frameGeometry}
              frameMaterial={frameMaterial}
              openId={openId}
              onPick={open}
            />
          ))}
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
