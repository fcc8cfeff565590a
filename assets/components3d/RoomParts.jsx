// The gallery's pieces in three.js: the shell (every floor, ceiling and wall one instanced box:
// one draw call), the display cases (one instanced draw call for all of them) and a wall
// segment of framed cards (two instanced draw calls). See room-plan.js for where they stand.
import React, { useEffect, useLayoutEffect, useMemo, useRef } from "react";
import { useThree } from "@react-three/fiber";
import * as THREE from "three";
import { FOILS } from "./foil.js";
import { hueOf } from "./CardCanvas.jsx";
import { CARD, CASE, DOOR } from "./room-plan.js";
import { boxCorners } from "./room-portals.js";

const FRAME_COLORS = { regular: "#8b8fa3", reverse: "#7fb2e5", rainbow: "#a78bfa", secret: "#e0b84a" };
const THICK = 0.2;
const COLORS = { floor: "#4a4066", ceiling: "#2a2540", wall: "#ebe7f3", featured: "#d9d2ee", door: "#cfc7e6" };

/** Every box of the shell: [centre, size, colour]. Walls between zones leave their doorway open. */
function shellBoxes(room) {
  const { width: w, height: h } = room;
  const z0 = room.zones[0].z0;
  const z1 = room.zones[room.zones.length - 1].z1;
  const mid = (z0 + z1) / 2;
  const len = z1 - z0;
  const boxes = [
    [[0, -THICK / 2, mid], [w, THICK, len], COLORS.floor],
    [[0, h + THICK / 2, mid], [w, THICK, len], COLORS.ceiling],
    [[-w / 2 - THICK / 2, h / 2, mid], [THICK, h, len], COLORS.wall],
    [[w / 2 + THICK / 2, h / 2, mid], [THICK, h, len], COLORS.wall],
    [[0, h / 2, z0 - THICK / 2], [w, h, THICK], COLORS.featured],
    [[0, h / 2, z1 + THICK / 2], [w, h, THICK], COLORS.wall],
  ];
  for (const p of room.portals) {
    const left = p.x - DOOR.w / 2 + w / 2;
    const right = w / 2 - (p.x + DOOR.w / 2);
    boxes.push([[-w / 2 + left / 2, h / 2, p.z], [left, h, THICK], COLORS.door]);
    boxes.push([[w / 2 - right / 2, h / 2, p.z], [right, h, THICK], COLORS.door]);
    boxes.push([[p.x, (h + DOOR.h) / 2, p.z], [DOOR.w, h - DOOR.h, THICK], COLORS.door]);
  }
  return boxes;
}

/** The sign over the featured wall, drawn once into a canvas texture. */
function signTexture() {
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
}

/** Floors, ceilings, walls and doorways as one instanced mesh, and the featured sign. */
export function Shell({ room }) {
  const mesh = useRef();
  const boxes = useMemo(() => shellBoxes(room), [room]);
  const parts = useMemo(
    () => ({
      geometry: new THREE.BoxGeometry(1, 1, 1),
      material: new THREE.MeshLambertMaterial(),
      sign: signTexture(),
    }),
    [],
  );
  useEffect(() => () => Object.values(parts).forEach((x) => x.dispose()), [parts]);
  useLayoutEffect(() => {
    const m = new THREE.Matrix4();
    const q = new THREE.Quaternion();
    const color = new THREE.Color();
    boxes.forEach(([at, size, tint], i) => {
      mesh.current.setMatrixAt(i, m.compose(new THREE.Vector3(...at), q, new THREE.Vector3(...size)));
      mesh.current.setColorAt(i, color.set(tint));
    });
    mesh.current.instanceMatrix.needsUpdate = true;
    mesh.current.instanceColor.needsUpdate = true;
    mesh.current.computeBoundingSphere();
  }, [boxes]);
  return (
    <>
      <instancedMesh ref={mesh} args={[parts.geometry, parts.material, boxes.length]} key={boxes.length} />
      <mesh position={[0, room.signY, room.zones[0].z0 + 0.02]}>
        <planeGeometry args={[6, 0.75]} />
        <meshBasicMaterial map={parts.sign} toneMapped={false} />
      </mesh>
    </>
  );
}

/** A case's geometry: a plinth and a glass box above it, RGBA vertex colours (glass see-through). */
function caseGeometry() {
  const pieces = [
    [new THREE.BoxGeometry(CASE.w, CASE.plinth, CASE.d), CASE.plinth / 2, [0.2, 0.17, 0.32, 1]],
    [new THREE.BoxGeometry(CASE.w * 0.96, CASE.glass, CASE.d * 0.96), CASE.plinth + CASE.glass / 2, [0.8, 0.9, 1, 0.18]],
  ];
  const position = [];
  const normal = [];
  const color = [];
  for (const [box, y, rgba] of pieces) {
    const flat = box.toNonIndexed();
    flat.translate(0, y, 0);
    position.push(...flat.getAttribute("position").array);
    normal.push(...flat.getAttribute("normal").array);
    for (let i = 0; i < flat.getAttribute("position").count; i += 1) color.push(...rgba);
    box.dispose();
    flat.dispose();
  }
  const g = new THREE.BufferGeometry();
  g.setAttribute("position", new THREE.Float32BufferAttribute(position, 3));
  g.setAttribute("normal", new THREE.Float32BufferAttribute(normal, 3));
  g.setAttribute("color", new THREE.Float32BufferAttribute(color, 4));
  return g;
}

/** Every display case: one instanced mesh (the cards inside are a Segment of their own). */
export function Cases({ room, register }) {
  const mesh = useRef();
  const parts = useMemo(
    () => ({
      geometry: caseGeometry(),
      material: new THREE.MeshLambertMaterial({ vertexColors: true, transparent: true }),
    }),
    [],
  );
  useEffect(() => () => Object.values(parts).forEach((x) => x.dispose()), [parts]);
  useLayoutEffect(() => {
    const m = new THREE.Matrix4();
    const q = new THREE.Quaternion();
    const one = new THREE.Vector3(1, 1, 1);
    room.cases.forEach((c, i) => {
      mesh.current.setMatrixAt(i, m.compose(new THREE.Vector3(c.casePosition[0], 0, c.casePosition[1]), q, one));
    });
    mesh.current.instanceMatrix.needsUpdate = true;
    mesh.current.computeBoundingSphere();
    const points = room.cases.flatMap((c) => [
      new THREE.Vector3(c.casePosition[0], 0, c.casePosition[1]),
      new THREE.Vector3(c.casePosition[0], CASE.plinth + CASE.glass, c.casePosition[1]),
    ]);
    register("cases-glass", { zone: 0, corners: boxCorners(points, CASE.w), meshes: [mesh.current] });
  }, [room, register]);
  if (!room.cases.length) return null;
  // Drawn after the cards inside, so they show through the glass.
  return <instancedMesh ref={mesh} args={[parts.geometry, parts.material, room.cases.length]} renderOrder={1} />;
}

/** One wall segment (or the cards in the cases): frames and card faces, two instanced draws. */
export function Segment({ segment, faceMaterial, frameGeometry, frameMaterial, openId, onPick, register }) {
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
    const corners = boxCorners(segment.slots.map((s) => s.framePosition), 1.2);
    register(segment.key, { zone: segment.zone, corners, meshes: [frames.current, faces.current] });
    invalidate();
  }, [segment, invalidate, register]);
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
