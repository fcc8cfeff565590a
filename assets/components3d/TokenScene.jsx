// The ECE token: a DRACO-compressed coin (three levels of detail), metallic and iridescent,
// idle spin, drag to rotate, click or Enter to flip. Balance and tier come from Reflex state.
import React, { Suspense, lazy, useCallback, useEffect, useMemo, useRef, useState } from "react";
import { useFrame, useThree } from "@react-three/fiber";
import { Detailed } from "@react-three/drei";
import { DRACOLoader } from "three/examples/jsm/loaders/DRACOLoader.js";
import { GLTFLoader } from "three/examples/jsm/loaders/GLTFLoader.js";
import * as THREE from "three";
import { Stage } from "./Stage.jsx";
import { EnterXR, ReadyOnFrame, SceneCanvas, StudioLights, useXR } from "./scene-kit.jsx";
import { formatTokens, frozen, legacyLoop, prefersReducedMotion, report, webglInfo } from "./runtime.js";

// The physics engine comes only with the first toss (its own chunk, WebAssembly inside).
const TokenToss = lazy(() => import("./TokenToss.jsx"));

export const TIERS = {
  bronze: { color: "#c77b3a", ink: "#3b1d06", iridescence: 0.1 },
  silver: { color: "#c9ced6", ink: "#1f2937", iridescence: 0.25 },
  gold: { color: "#f2c14e", ink: "#4a3000", iridescence: 0.45 },
  platinum: { color: "#e6e8f0", ink: "#2e1065", iridescence: 1.0 },
};
const MAX_BALANCE = 1e12;
// The coin spins for this long after the scene starts and after each touch, slowing to a stop
// over the last second: an idle coin draws no frames (the battery target), a touched one lives.
export const SPIN_MS = 4000;
const SPIN_EASE_MS = 1000;

/** Why these props cannot be drawn ("" when they can). */
export function tokenProblem(balance, tier) {
  if (typeof balance !== "number" || !Number.isInteger(balance) || balance < 0 || balance > MAX_BALANCE) {
    return "balance";
  }
  if (!Object.prototype.hasOwnProperty.call(TIERS, tier)) return "tier";
  return "";
}

function faceTexture(side, balance, tier) {
  const size = 512;
  const canvas = document.createElement("canvas");
  canvas.width = canvas.height = size;
  const ctx = canvas.getContext("2d");
  const style = TIERS[tier];
  const grad = ctx.createRadialGradient(size * 0.35, size * 0.3, 20, size / 2, size / 2, size / 2);
  grad.addColorStop(0, "#ffffff");
  grad.addColorStop(0.35, style.color);
  grad.addColorStop(1, style.ink);
  ctx.fillStyle = grad;
  ctx.fillRect(0, 0, size, size);
  ctx.strokeStyle = style.ink;
  ctx.lineWidth = 10;
  ctx.beginPath();
  ctx.arc(size / 2, size / 2, size / 2 - 24, 0, Math.PI * 2);
  ctx.stroke();
  ctx.fillStyle = style.ink;
  ctx.textAlign = "center";
  ctx.textBaseline = "middle";
  if (side === "front") {
    ctx.font = "bold 92px sans-serif";
    ctx.fillText("ECE", size / 2, size * 0.3);
    const text = formatTokens(balance);
    ctx.font = `bold ${text.length > 9 ? 58 : 84}px sans-serif`;
    ctx.fillText(text, size / 2, size * 0.54);
    ctx.font = "bold 40px sans-serif";
    ctx.fillText(tier.toUpperCase(), size / 2, size * 0.74);
  } else {
    ctx.font = "bold 200px serif";
    ctx.fillText("\u00c6", size / 2, size * 0.5);
    ctx.font = "bold 36px sans-serif";
    ctx.fillText("AIXPLORE", size / 2, size * 0.8);
  }
  const texture = new THREE.CanvasTexture(canvas);
  texture.colorSpace = THREE.SRGBColorSpace;
  texture.anisotropy = 4;
  return texture;
}

// Models load outside React's suspense: a failed load calls the scene's fail() instead of
// throwing through the canvas (which three-fiber reports as an uncaught error).
let draco = null;
const geometries = new Map();

function loadGeometry(url, decoder) {
  if (!geometries.has(url)) {
    if (!draco) {
      draco = new DRACOLoader();
      draco.setDecoderPath(decoder);
    }
    const loader = new GLTFLoader();
    loader.setDRACOLoader(draco);
    const promise = loader.loadAsync(url).then((gltf) => {
      let found = null;
      gltf.scene.traverse((o) => {
        if (!found && o.isMesh) found = o.geometry;
      });
      if (!found) throw new Error(`no mesh in ${url}`);
      return found;
    });
    promise.catch(() => geometries.delete(url));
    geometries.set(url, promise);
  }
  return geometries.get(url);
}

/** Low, then mid, then high detail as each arrives; calls onError when any cannot load. */
function useCoinLevels(assetBase, level, sceneId, onError) {
  const [levels, setLevels] = useState({});
  const invalidate = useThree((s) => s.invalidate);
  const onErrorRef = useRef(onError);
  onErrorRef.current = onError;
  useEffect(() => {
    let live = true;
    const order = level === "reduced" ? ["low", "mid"] : ["low", "mid", "high"];
    (async () => {
      for (const lod of order) {
        try {
          const geometry = await loadGeometry(`${assetBase}models/ece-coin-${lod}.glb`, `${assetBase}draco/`);
          if (!live) return;
          setLevels((prev) => ({ ...prev, [lod]: geometry }));
          report(sceneId, { model: lod });
          invalidate();
        } catch (_error) {
          if (live) onErrorRef.current();
          return;
        }
      }
    })();
    return () => {
      live = false;
    };
  }, [assetBase, level, sceneId, invalidate]);
  return levels;
}

function CoinModel({ levels, material }) {
  const best = levels.high || levels.mid || levels.low;
  if (!best) return <ProceduralCoin material={material} />;
  if (!levels.mid) return <mesh geometry={best} material={material} />;
  // LOD with hysteresis: a level only changes 15 % past its switching distance.
  return (
    <Detailed distances={[0, 7, 14]} hysteresis={0.15}>
      <mesh geometry={best} material={material} />
      <mesh geometry={levels.mid} material={material} />
      <mesh geometry={levels.low || levels.mid} material={material} />
    </Detailed>
  );
}

/** A plain cylinder in the coin's shape: needs no download, so the first frame is immediate. */
function ProceduralCoin({ material }) {
  return (
    <mesh material={material} rotation={[Math.PI / 2, 0, 0]}>
      <cylinderGeometry args={[1, 1, 0.2, 48]} />
    </mesh>
  );
}

const _axis = new THREE.Vector3();
const _point = new THREE.Vector3();

/** Where a face mesh's local axis points, in the camera's view space. */
function viewAxis(camera, mesh, x, y, z) {
  return _axis.set(x, y, z).transformDirection(mesh.matrixWorld).transformDirection(camera.matrixWorldInverse);
}

/**
 * Which face looks at the camera and how its text reads there: "upright", "upside-down",
 * "sideways" or "mirrored" (from the angle of the face's text direction on screen).
 */
function facing(camera, front, back) {
  if (!front || !back) return {};
  const towards = (mesh) => viewAxis(camera, mesh, 0, 0, 1).z;
  const face = towards(front) >= towards(back) ? front : back;
  const right = viewAxis(camera, face, 1, 0, 0).clone();
  const up = viewAxis(camera, face, 0, 1, 0);
  const turn = Math.atan2(right.y, right.x);
  const mirrored = right.x * up.y - right.y * up.x < 0;
  let reads = "upright";
  if (mirrored) reads = "mirrored";
  else if (Math.abs(turn) > (3 * Math.PI) / 4) reads = "upside-down";
  else if (Math.abs(turn) > Math.PI / 4) reads = "sideways";
  return { faceUp: face === front ? "front" : "back", faceReads: reads };
}

/** How far the rim reaches across the view: 1 is the canvas edge (more is cut off). */
function rimExtent(camera, coin) {
  if (!coin) return {};
  let most = 0;
  for (let i = 0; i < 32; i += 1) {
    const a = (i / 32) * Math.PI * 2;
    for (const z of [-0.1, 0.1]) {
      _point.set(Math.cos(a), Math.sin(a), z).applyMatrix4(coin.matrixWorld).project(camera);
      most = Math.max(most, Math.abs(_point.x), Math.abs(_point.y));
    }
  }
  return { rimExtent: +most.toFixed(3) };
}

// The coin (radius 1, 0.2 thick) with a margin: the sphere it turns in must fit the view.
const COIN_REACH = 1.06;
const NEAREST = 3.1;

/**
 * Move the camera back until the turning coin fits the canvas in both directions: on a
 * narrow (phone) canvas the horizontal field of view is the smaller one.
 */
function FitCamera() {
  const camera = useThree((s) => s.camera);
  const width = useThree((s) => s.size.width);
  const height = useThree((s) => s.size.height);
  const invalidate = useThree((s) => s.invalidate);
  useEffect(() => {
    if (!width || !height) return;
    const half = THREE.MathUtils.degToRad(camera.fov / 2);
    const across = Math.atan(Math.tan(half) * (width / height));
    const distance = Math.max(NEAREST, COIN_REACH / Math.sin(Math.min(half, across)));
    camera.position.set(0, 0, distance);
    camera.updateMatrixWorld();
    invalidate();
  }, [camera, width, height, invalidate]);
  return null;
}

function Coin({ balance, tier, flipped, level, assetBase, motion, sceneId, onModelError }) {
  const style = TIERS[tier];
  const spin = useRef();
  const flip = useRef();
  const frontFace = useRef();
  const backFace = useRef();
  const invalidate = useThree((s) => s.invalidate);
  const levels = useCoinLevels(assetBase, level, sceneId, onModelError);
  const material = useMemo(
    () =>
      level === "reduced"
        ? new THREE.MeshStandardMaterial({ color: style.color, metalness: 1, roughness: 0.3 })
        : new THREE.MeshPhysicalMaterial({
            color: style.color,
            metalness: 1,
            roughness: 0.22,
            clearcoat: webglInfo().software ? 0 : 1,
            clearcoatRoughness: 0.15,
            iridescence: style.iridescence,
            iridescenceIOR: 1.6,
          }),
    [level, style],
  );
  const front = useMemo(() => faceTexture("front", balance, tier), [balance, tier]);
  const back = useMemo(() => faceTexture("back", balance, tier), [balance, tier]);
  useEffect(() => () => [front, back, material].forEach((x) => x.dispose()), [front, back, material]);
  useEffect(() => {
    report(sceneId, { balance, tier, flipped });
    invalidate();
  }, [sceneId, balance, tier, flipped, invalidate]);
  // Dragging and the arrow keys change the pose outside React: they ask for a frame here.
  useEffect(() => {
    motion.current.invalidate = invalidate;
  }, [motion, invalidate]);

  useFrame((state, delta) => {
    const m = motion.current;
    const dt = Math.min(delta, 0.1);
    const left = legacyLoop() ? SPIN_MS : m.spinUntil - performance.now();
    if (m.tossing) m.yaw = 0; // the physics turns the coin now
    else if (m.spinning && !m.dragging && left > 0) {
      m.yaw += dt * 0.7 * Math.min(1, left / SPIN_EASE_MS);
      invalidate();
    }
    spin.current.rotation.y = m.yaw;
    // Flipping turns the coin over about the same (vertical) axis as dragging and the idle
    // spin, so the back face reads the right way up whichever way it came into view.
    const target = flipped ? Math.PI : 0;
    const y = flip.current.rotation.y;
    const next = m.reduced || frozen() ? target : y + (target - y) * Math.min(1, dt * 8);
    flip.current.rotation.y = Math.abs(target - next) < 0.001 ? target : next;
    if (flip.current.rotation.y !== target) invalidate();
    spin.current.updateMatrixWorld(true);
    report(sceneId, {
      yaw: +m.yaw.toFixed(3),
      flipAngle: +flip.current.rotation.y.toFixed(3),
      ...facing(state.camera, frontFace.current, backFace.current),
      ...rimExtent(state.camera, spin.current),
    });
  });

  const faceMaterial = (map) => (
    <meshStandardMaterial map={map} metalness={0.55} roughness={0.35} />
  );
  return (
    <group ref={spin}>
      <group ref={flip}>
        {/* Progressive: a procedural coin draws at once, the DRACO levels replace it as decoded. */}
        <CoinModel levels={levels} material={material} />
        <mesh ref={frontFace} position={[0, 0, 0.0715]}>
          <circleGeometry args={[0.775, 64]} />
          {faceMaterial(front)}
        </mesh>
        {/* Turned about the vertical axis, like the coin: text reads left to right from behind. */}
        <mesh ref={backFace} position={[0, 0, -0.0715]} rotation={[0, Math.PI, 0]}>
          <circleGeometry args={[0.775, 64]} />
          {faceMaterial(back)}
        </mesh>
      </group>
    </group>
  );
}

function TokenCanvas({ level, fail, ready, props }) {
  const { balance, tier, flipped, onFlip, label, sceneId, assetBase } = props;
  const reduced = level === "reduced" || prefersReducedMotion();
  const motion = useRef({ yaw: -0.35, spinning: false, dragging: false, reduced, startX: 0, moved: 0, spinUntil: 0 });
  motion.current.reduced = reduced;
  motion.current.spinning = !reduced && !frozen();
  const xr = useXR(level);
  const [, redraw] = useState(0);
  const flipNow = () => onFlip && onFlip({ flipped: !flipped });
  const onModelError = useCallback(() => fail("error"), [fail]);
  // Tossing is motion: offered at full quality (or XR) without reduced motion. 0: not tossed.
  const canToss = !reduced && level !== "reduced" && !frozen();
  const [toss, setToss] = useState(0);
  motion.current.tossing = toss > 0;
  // (Re)start the spin's window and ask for a frame: it runs until the window closes.
  const wake = () => {
    motion.current.spinUntil = performance.now() + SPIN_MS;
    motion.current.invalidate?.();
  };
  useEffect(wake, []);

  const onPointerDown = (event) => {
    const m = motion.current;
    m.dragging = true;
    m.startX = event.clientX;
    m.lastX = event.clientX;
    m.moved = 0;
    event.currentTarget.setPointerCapture?.(event.pointerId);
  };
  const onPointerMove = (event) => {
    const m = motion.current;
    if (!m.dragging) return;
    m.yaw += (event.clientX - m.lastX) * 0.012;
    m.moved += Math.abs(event.clientX - m.lastX);
    m.lastX = event.clientX;
    m.invalidate?.();
    redraw((n) => n + 1);
  };
  const onPointerUp = () => {
    const m = motion.current;
    if (m.dragging && m.moved < 6) flipNow();
    m.dragging = false;
    wake();
  };
  const onKeyDown = (event) => {
    const m = motion.current;
    if (event.key === "Enter" || event.key === " ") {
      event.preventDefault();
      flipNow();
    } else if (event.key === "ArrowLeft" || event.key === "ArrowRight") {
      event.preventDefault();
      m.yaw += event.key === "ArrowLeft" ? -0.3 : 0.3;
      wake();
      redraw((n) => n + 1);
    }
  };
  const coin = (
    <Coin
      balance={balance}
      tier={tier}
      flipped={!!flipped}
      level={level}
      assetBase={assetBase}
      motion={motion}
      sceneId={sceneId}
      onModelError={onModelError}
    />
  );
  return (
    <>
      <div
        className="scene3d-interactive"
        role="button"
        tabIndex={0}
        aria-pressed={!!flipped}
        aria-label={`${label}. Press Enter to flip the token, arrow keys to turn it.`}
        onPointerDown={onPointerDown}
        onPointerMove={onPointerMove}
        onPointerUp={onPointerUp}
        onPointerCancel={() => (motion.current.dragging = false)}
        onKeyDown={onKeyDown}
      >
        <SceneCanvas level={level} sceneId={sceneId} fail={fail} animate={legacyLoop() && !reduced} camera={{ position: [0, 0, 3.1], fov: 40 }} xr={xr}>
          <ambientLight intensity={0.25} />
          <directionalLight position={[2, 3, 4]} intensity={1.2} />
          <StudioLights />
          <FitCamera />
          <Suspense fallback={null}>
            {toss ? (
              <Suspense fallback={coin}>
                <TokenToss key={toss} sceneId={sceneId}>
                  {coin}
                </TokenToss>
              </Suspense>
            ) : (
              coin
            )}
            <ReadyOnFrame onReady={ready} sceneId={sceneId} />
          </Suspense>
        </SceneCanvas>
      </div>
      {canToss ? (
        <div className="scene3d-toss">
          <button type="button" onClick={() => setToss((n) => n + 1)}>
            {toss ? "Toss again" : "Toss the token"}
          </button>
          {toss ? (
            <button type="button" onClick={() => setToss(0)}>
              Pick it up
            </button>
          ) : null}
        </div>
      ) : null}
      <EnterXR xr={xr} />
    </>
  );
}

function CssCoin({ balance, tier, label, flipped, onFlip }) {
  const problem = tokenProblem(balance, tier);
  return (
    <button
      type="button"
      className={`holo-coin holo-coin--${problem ? "bronze" : tier}${flipped ? " is-flipped" : ""}`}
      aria-label={`${label}. Press to flip the token.`}
      aria-pressed={!!flipped}
      onClick={() => onFlip && onFlip({ flipped: !flipped })}
    >
      <span className="holo-coin__face">
        <span className="holo-coin__ticker">ECE</span>
        <span className="holo-coin__balance">{problem ? "—" : formatTokens(balance)}</span>
        <span className="holo-coin__tier">{problem ? "" : tier}</span>
      </span>
      <span className="holo-coin__face holo-coin__face--back">
        <span className="holo-coin__mark">{"\u00c6"}</span>
        <span className="holo-coin__tier">AIXPLORE</span>
      </span>
    </button>
  );
}

/** The token scene: see components3d/token.py for the props. */
export function TokenScene(props) {
  const { balance, tier, label, poster, sceneId = "token" } = props;
  const assetBase = props.assetBase || "/components3d/";
  const problem = tokenProblem(balance, tier);
  const full = { ...props, assetBase, sceneId };
  return (
    <Stage
      sceneId={sceneId}
      label={label}
      poster={poster}
      invalid={problem}
      className="scene3d--token"
      render={(level, fail, ready) => <TokenCanvas level={level} fail={fail} ready={ready} props={full} />}
      renderCss={() => <CssCoin {...full} />}
      renderStatic={() => (
        <div className="scene3d-static">
          {poster ? <img src={poster} alt="" /> : null}
          <p className="scene3d-static__text">{problem ? "The token cannot be shown." : label}</p>
        </div>
      )}
    />
  );
}
