// Portal culling for the gallery's zones: the walker's own zone is seen through the whole
// screen; the next zone only through the screen rectangle of the doorway joining them, the one
// after through that rectangle narrowed by the next doorway, and so on. A wall segment is drawn
// only when its box shows inside the rectangle its zone is seen through; a zone whose doorway
// does not show is not drawn at all. Window.__aixplore3dNoPortals (benchmarks) draws everything
// the frustum keeps, to compare in the same run.
import * as THREE from "three";
import { DOOR, zoneAt } from "./room-plan.js";

const FULL = { x0: -1, x1: 1, y0: -1, y1: 1 };
const _p = new THREE.Vector3();

/** The benchmark's "without" switch. */
export function portalsOff() {
  return typeof window !== "undefined" && window.__aixplore3dNoPortals === true;
}

/**
 * The part of ``clip`` (a rectangle in normalized device coordinates) covered by ``corners``
 * seen from ``camera``; null when none of it shows. Corners behind the eye make the answer
 * the whole of ``clip`` (conservative: the walker is in or next to the doorway).
 */
export function screenRect(corners, camera, clip) {
  let x0 = Infinity;
  let x1 = -Infinity;
  let y0 = Infinity;
  let y1 = -Infinity;
  let behind = 0;
  for (const corner of corners) {
    _p.copy(corner).applyMatrix4(camera.matrixWorldInverse);
    if (_p.z > -camera.near) {
      behind += 1;
      continue;
    }
    _p.applyMatrix4(camera.projectionMatrix);
    x0 = Math.min(x0, _p.x);
    x1 = Math.max(x1, _p.x);
    y0 = Math.min(y0, _p.y);
    y1 = Math.max(y1, _p.y);
  }
  if (behind === corners.length) return null;
  if (behind > 0) return clip;
  const r = {
    x0: Math.max(x0, clip.x0),
    x1: Math.min(x1, clip.x1),
    y0: Math.max(y0, clip.y0),
    y1: Math.min(y1, clip.y1),
  };
  return r.x0 < r.x1 && r.y0 < r.y1 ? r : null;
}

/** The four corners of a doorway. */
export function doorCorners(portal) {
  const a = portal.x - DOOR.w / 2;
  const b = portal.x + DOOR.w / 2;
  return [
    new THREE.Vector3(a, 0, portal.z),
    new THREE.Vector3(b, 0, portal.z),
    new THREE.Vector3(a, DOOR.h, portal.z),
    new THREE.Vector3(b, DOOR.h, portal.z),
  ];
}

/** The eight corners of the box around ``points`` grown by ``pad`` metres. */
export function boxCorners(points, pad) {
  const box = new THREE.Box3().setFromPoints(points).expandByScalar(pad);
  const { min, max } = box;
  const out = [];
  for (const x of [min.x, max.x]) {
    for (const y of [min.y, max.y]) {
      for (const z of [min.z, max.z]) out.push(new THREE.Vector3(x, y, z));
    }
  }
  return out;
}

/** Each zone seen from ``camera`` with the screen rectangle it is seen through. */
export function zonesSeen(room, camera) {
  const here = zoneAt(room, camera.position.z);
  const seen = new Map([[here, FULL]]);
  for (const step of [1, -1]) {
    let rect = FULL;
    for (let k = here; k + step >= 0 && k + step < room.zones.length; k += step) {
      const portal = room.portals[Math.min(k, k + step)];
      portal.corners = portal.corners || doorCorners(portal);
      rect = screenRect(portal.corners, camera, rect);
      if (!rect) break;
      seen.set(k + step, rect);
    }
  }
  return seen;
}

/**
 * Show only what can be seen: ``parts`` maps each segment key to {zone, corners, meshes}.
 * Returns how many zones and segments are drawn (for the scene's report).
 */
export function cullRoom(room, camera, parts) {
  const all = portalsOff();
  const seen = all ? null : zonesSeen(room, camera);
  let segments = 0;
  for (const part of parts.values()) {
    const rect = all ? FULL : seen.get(part.zone);
    const visible = all || (!!rect && screenRect(part.corners, camera, rect) !== null);
    for (const mesh of part.meshes) if (mesh) mesh.visible = visible;
    if (visible) segments += 1;
  }
  return { zonesDrawn: all ? room.zones.length : seen.size, segmentsDrawn: segments };
}
