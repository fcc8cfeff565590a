// A member's gallery: their cards framed on the walls of a room, the platform's picks on the
// wall it opens facing. Light module (no three.js): the room itself is RoomCanvas.jsx, loaded
// only when Stage starts 3D; without WebGL the cards show as a holographic HTML grid.
import React, { Suspense, lazy, useEffect } from "react";
import { Stage } from "./Stage.jsx";
import "./room.css";
import { FOILS, RARITY_LABELS } from "./rarity.js";
import { autoLevel, readChoice, uses3d } from "./runtime.js";

const loadRoom = () => import("./RoomCanvas.jsx");
const RoomCanvas = lazy(() => loadRoom().then((m) => ({ default: m.RoomCanvas })));

export const MAX_WALL_CARDS = 240;
export const MAX_FEATURED = 12;

function validCard(c) {
  return (
    !!c &&
    Number.isInteger(c.id) &&
    c.id > 0 &&
    typeof c.name === "string" &&
    c.name.length <= 200 &&
    FOILS.includes(c.foil) &&
    typeof c.rating === "number" &&
    c.rating >= 0 &&
    c.rating <= 5 &&
    Number.isInteger(c.reviews) &&
    c.reviews >= 0 &&
    (c.line === undefined || (typeof c.line === "string" && c.line.length <= 120))
  );
}

/** Why these props cannot be drawn ("" when they can). */
export function roomProblem(cards, featured) {
  if (!Array.isArray(cards) || cards.length > MAX_WALL_CARDS || !cards.every(validCard)) return "cards";
  if (!Array.isArray(featured) || featured.length > MAX_FEATURED || !featured.every(validCard)) return "featured";
  return "";
}

function CssWall({ title, cards, openId, onOpen, flat }) {
  if (!cards.length) return null;
  return (
    <section className="room-css__wall" aria-label={title}>
      <h3 className="room-css__title">{title}</h3>
      <ul className={`holo-grid${flat ? " holo-grid--flat" : ""}`}>
        {cards.map((c) => (
          <li key={c.id}>
            <button
              type="button"
              className={`holo-mini holo-card--${c.foil}`}
              aria-pressed={c.id === openId}
              onClick={() => onOpen && onOpen({ id: c.id === openId ? 0 : c.id })}
            >
              <span className="holo-mini__name">{c.name}</span>
              <span className="holo-mini__rarity">{RARITY_LABELS[c.foil]}</span>
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}

/** The room without WebGL: the featured wall and the member's walls as holographic tiles. */
function CssRoom({ cards, featured, openId, onOpen, flat }) {
  return (
    <div className="room-css">
      <CssWall title="Featured" cards={featured} openId={openId} onOpen={onOpen} flat={flat} />
      <CssWall title="On the walls" cards={cards} openId={openId} onOpen={onOpen} flat={flat} />
    </div>
  );
}

/** The gallery room: see components3d/room.py for the props. */
export function GalleryRoom(props) {
  const { label, poster, sceneId = "room" } = props;
  const cards = Array.isArray(props.cards) ? props.cards : [];
  const featured = Array.isArray(props.featured) ? props.featured : [];
  const problem = roomProblem(props.cards, props.featured);
  const full = { ...props, sceneId, cards: problem ? [] : cards, featured: problem ? [] : featured };
  // Fetch the room's three.js chunk while the page settles (the scene starts only once the
  // main thread is quiet): the download overlaps that wait instead of following it.
  useEffect(() => {
    const choice = readChoice();
    if (uses3d(choice === "auto" ? autoLevel() : choice)) loadRoom().catch(() => null);
  }, []);
  return (
    <Stage
      sceneId={sceneId}
      label={label}
      poster={poster}
      invalid={problem}
      className="scene3d--room"
      render={(level, fail, ready) => (
        <Suspense fallback={null}>
          <RoomCanvas level={level} fail={fail} ready={ready} props={full} />
        </Suspense>
      )}
      renderCss={() => <CssRoom {...full} />}
      renderStatic={() =>
        problem ? <p className="scene3d-static__text">The gallery cannot be shown.</p> : <CssRoom {...full} flat />
      }
    />
  );
}
