// Where everything hangs in the gallery room: the room grows with the cards; the member's cards
// fill the west, east and south walls column by column (three rows), the featured cards one
// larger row on the north wall. Segments of up to SEGMENT_COLUMNS columns are one instanced
// mesh each, so the camera's frustum culls a wall segment whole.
import * as THREE from "three";

export const EYE = 1.6;
export const CARD = { w: 1, h: 1.4 };
export const FRAME = { w: 1.16, h: 1.56, d: 0.06 };
const ROWS = [1.0, 2.6, 4.2];
const HEIGHT = 5.4;
const STEP_X = 1.5;
const FEATURED_STEP = 2.2;
const FEATURED_SCALE = 1.5;
const FEATURED_Y = 2.3;
const SEGMENT_COLUMNS = 8;
const MIN_SIDE = 12;

// Each wall: where column offset t along it sits, and which way its cards face (rotation y).
const WALLS = {
  west: { at: (t, r) => [-r.width / 2, t], rotY: Math.PI / 2 },
  east: { at: (t, r) => [r.width / 2, -t], rotY: -Math.PI / 2 },
  south: { at: (t, r) => [t, r.depth / 2], rotY: Math.PI },
  north: { at: (t, r) => [t, -r.depth / 2], rotY: 0 },
};

function slotAt(wall, t, y, scale, card, room) {
  const [x, z] = WALLS[wall].at(t, room);
  const quaternion = new THREE.Quaternion().setFromEuler(new THREE.Euler(0, WALLS[wall].rotY, 0));
  const normal = new THREE.Vector3(0, 0, 1).applyQuaternion(quaternion);
  const framePosition = new THREE.Vector3(x, y, z).addScaledVector(normal, FRAME.d / 2 + 0.01);
  const position = framePosition.clone().addScaledVector(normal, (FRAME.d / 2 + 0.004) * scale);
  return { card, wall, position, framePosition, quaternion, scale };
}

/** The room for ``cards`` on the walls and ``featured`` on the north wall. */
export function planRoom(cards, featured) {
  const columns = Math.ceil(cards.length / ROWS.length);
  const perWall = Math.max(1, Math.ceil(columns / 3));
  const side = Math.max(MIN_SIDE, perWall * STEP_X + 3, featured.length * FEATURED_STEP + 3);
  const room = { width: side, depth: side, height: HEIGHT, signY: FEATURED_Y + 1.75 };
  room.halfX = side / 2 - 0.8;
  room.halfZ = side / 2 - 0.8;
  room.far = side * 1.6 + 10;
  // Start a few steps from the featured wall, facing it.
  room.start = { x: 0, z: -side / 2 + Math.min(6.5, side / 2) };

  const slots = [];
  const segments = [];
  let next = 0;
  for (const wall of ["west", "east", "south"]) {
    for (let col = 0; col < perWall && next < cards.length; col += 1) {
      if (col % SEGMENT_COLUMNS === 0) segments.push({ key: `${wall}-${col}`, slots: [] });
      const t = (col - (perWall - 1) / 2) * STEP_X;
      for (const y of ROWS) {
        if (next >= cards.length) break;
        const slot = slotAt(wall, t, y, 1, cards[next], room);
        next += 1;
        slots.push(slot);
        segments[segments.length - 1].slots.push(slot);
      }
    }
  }
  if (featured.length) {
    const segment = { key: "featured", slots: [] };
    featured.forEach((card, i) => {
      const t = (i - (featured.length - 1) / 2) * FEATURED_STEP;
      const slot = slotAt("north", t, FEATURED_Y, FEATURED_SCALE, card, room);
      slots.push(slot);
      segment.slots.push(slot);
    });
    segments.push(segment);
  }
  room.slots = slots;
  room.segments = segments.filter((s) => s.slots.length);
  return room;
}
