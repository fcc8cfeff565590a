// Where everything stands in the gallery: a row of rooms (zones) joined by doorways, the
// featured wall at the north end of the first one, where the walk starts. The member's cards
// fill each zone's west and east walls column by column (three rows; one instanced segment
// per wall, so the frustum culls a wall whole). The rarest
// cards stand in display cases on the first zone's floor. The doorways alternate sides, so a
// zone two rooms away is seldom seen: the portal test (room-portals.js) draws only the zones
// seen through the doorways.
import * as THREE from "three";

export const EYE = 1.6;
export const CARD = { w: 1, h: 1.4 };
export const FRAME = { w: 1.16, h: 1.56, d: 0.06 };
export const DOOR = { w: 2.4, h: 3.2 };
export const CASE = { w: 0.9, d: 0.9, plinth: 0.8, glass: 1.25, tilt: -0.35 };
const ROWS = [1.0, 2.6, 4.2];
const HEIGHT = 5.4;
const STEP_X = 1.5;
const ZONE_DEPTH = 12;
const COLUMNS = 7; // per wall of a zone: (ZONE_DEPTH - 1.5) / STEP_X
const FEATURED_STEP = 2.2;
const FEATURED_SCALE = 1.5;
const FEATURED_Y = 2.3;
const MIN_WIDTH = 14;
const MAX_CASES = 4; // at least four places are always clear of the doorway
const WALL_GAP = 0.35; // how near the walker comes to a wall or a case

// Each wall: where offset t along it sits (in zone ``z0``..``z1``), which way its cards face.
const WALLS = {
  west: { at: (t, r, z) => [-r.width / 2, z + t], rotY: Math.PI / 2 },
  east: { at: (t, r, z) => [r.width / 2, z - t], rotY: -Math.PI / 2 },
  south: { at: (t, r, z) => [t, z], rotY: Math.PI },
  north: { at: (t, r, z) => [t, z], rotY: 0 },
};

function slotAt(wall, t, y, scale, card, room, z) {
  const [x, zz] = WALLS[wall].at(t, room, z);
  const quaternion = new THREE.Quaternion().setFromEuler(new THREE.Euler(0, WALLS[wall].rotY, 0));
  const normal = new THREE.Vector3(0, 0, 1).applyQuaternion(quaternion);
  const framePosition = new THREE.Vector3(x, y, zz).addScaledVector(normal, FRAME.d / 2 + 0.01);
  const position = framePosition.clone().addScaledVector(normal, (FRAME.d / 2 + 0.004) * scale);
  return { card, wall, position, framePosition, quaternion, scale };
}

/** Where the cases stand: two rows in the first zone's south half, clear of the doorway. */
function casePlaces(room, n) {
  const door = room.portals[0];
  const places = [];
  for (const z of [room.zones[0].z1 - 2.2, room.zones[0].z1 - 4.0]) {
    for (const x of [2.5, -2.5, 4.5, -4.5]) {
      if (!(door && Math.abs(x - door.x) < DOOR.w / 2 + 1.2)) places.push([x, z]);
    }
  }
  return places.slice(0, n);
}

function caseSlot(card, x, z) {
  // The card leans back a little inside the glass, facing north: the way in from the start.
  const quaternion = new THREE.Quaternion().setFromEuler(new THREE.Euler(CASE.tilt, Math.PI, 0, "YXZ"));
  const scale = 0.62;
  const framePosition = new THREE.Vector3(x, CASE.plinth + 0.55, z);
  const normal = new THREE.Vector3(0, 0, 1).applyQuaternion(quaternion);
  const position = framePosition.clone().addScaledVector(normal, (FRAME.d / 2 + 0.004) * scale);
  return { card, wall: "case", position, framePosition, quaternion, scale, casePosition: [x, z] };
}

/** How many cards stand in cases: about one in eight, at most MAX_CASES (none without cards). */
export function caseCount(n) {
  return Math.min(MAX_CASES, Math.ceil(n / 8));
}

/** The gallery for ``cards`` (trader cards, then solution cards rarest first) and ``featured``. */
export function planRoom(cards, featured) {
  // The rarest solution cards (the list comes rarest first) stand in cases; trader cards hang.
  const solutions = cards.filter((c) => c.kind !== "trader");
  const cased = solutions.slice(0, caseCount(solutions.length));
  const walls = cards.filter((c) => !cased.includes(c));
  const perZone = 2 * COLUMNS * ROWS.length;
  const zoneCount = Math.max(1, Math.ceil(walls.length / perZone));
  const width = Math.max(MIN_WIDTH, featured.length * FEATURED_STEP + 3);
  const room = { width, height: HEIGHT, zoneDepth: ZONE_DEPTH, signY: FEATURED_Y + 1.75 };
  room.zones = Array.from({ length: zoneCount }, (_, k) => ({
    index: k,
    z0: -ZONE_DEPTH / 2 + k * ZONE_DEPTH,
    z1: ZONE_DEPTH / 2 + k * ZONE_DEPTH,
    segments: [],
  }));
  room.depth = zoneCount * ZONE_DEPTH;
  // Doorway k joins zone k and k + 1, on alternate sides so the doorways do not line up.
  room.portals = room.zones.slice(1).map((zone, k) => ({
    index: k,
    z: zone.z0,
    x: (k % 2 === 0 ? -1 : 1) * (width / 4),
  }));
  room.halfX = width / 2 - 0.8;
  room.minZ = room.zones[0].z0 + 0.8;
  room.maxZ = room.zones[zoneCount - 1].z1 - 0.8;
  room.far = Math.max(40, room.depth + width) + 10;
  room.start = { x: 0, z: -ZONE_DEPTH / 2 + 6.5 };

  const slots = [];
  let next = 0;
  const hang = (zone, wall, t, z) => {
    const segment = { key: `${zone.index}-${wall}`, zone: zone.index, slots: [] };
    for (let col = 0; col < COLUMNS && next < walls.length; col += 1) {
      for (const y of ROWS) {
        if (next >= walls.length) break;
        const slot = slotAt(wall, t(col), y, 1, walls[next], room, z);
        next += 1;
        slots.push(slot);
        segment.slots.push(slot);
      }
    }
    if (segment.slots.length) zone.segments.push(segment);
  };
  for (const zone of room.zones) {
    const mid = (zone.z0 + zone.z1) / 2;
    const along = (col) => (col - (COLUMNS - 1) / 2) * STEP_X;
    hang(zone, "west", along, mid);
    hang(zone, "east", along, mid);
  }
  if (featured.length) {
    const segment = { key: "featured", zone: 0, slots: [] };
    featured.forEach((card, i) => {
      const t = (i - (featured.length - 1) / 2) * FEATURED_STEP;
      const slot = slotAt("north", t, FEATURED_Y, FEATURED_SCALE, card, room, room.zones[0].z0);
      slots.push(slot);
      segment.slots.push(slot);
    });
    room.zones[0].segments.push(segment);
  }
  room.cases = casePlaces(room, cased.length).map(([x, z], i) => caseSlot(cased[i], x, z));
  room.slots = [...slots, ...room.cases];
  room.segments = room.zones.flatMap((z) => z.segments);
  room.shown = room.slots.length;
  return room;
}

/** The zone a point at ``z`` is in. */
export function zoneAt(room, z) {
  const k = Math.floor((z - room.zones[0].z0) / room.zoneDepth);
  return Math.max(0, Math.min(room.zones.length - 1, k));
}

/** Whether the walker may stand at (x, z): inside, not in a wall between zones, not in a case. */
export function standable(room, x, z) {
  if (Math.abs(x) > room.halfX || z < room.minZ || z > room.maxZ) return false;
  for (const portal of room.portals) {
    if (Math.abs(z - portal.z) < WALL_GAP && Math.abs(x - portal.x) > DOOR.w / 2 - WALL_GAP) return false;
  }
  for (const c of room.cases) {
    const [cx, cz] = c.casePosition;
    if (Math.abs(x - cx) < CASE.w / 2 + WALL_GAP && Math.abs(z - cz) < CASE.d / 2 + WALL_GAP) return false;
  }
  return true;
}
