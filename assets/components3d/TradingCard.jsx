// A solution's trading card: foil by rarity (bound to its rating and reviews), tilt and glare
// following the pointer, or the phone's orientation (throttled to animation frames). This module
// is light (no three.js): the 3D card lives in CardCanvas.jsx, loaded only when Stage starts 3D.
import React, { Suspense, lazy, useMemo, useRef } from "react";
import { Stage } from "./Stage.jsx";
import { FOILS, RARITY_LABELS } from "./rarity.js";
import { prefersReducedMotion, rafThrottle } from "./runtime.js";

const CardCanvas = lazy(() => import("./CardCanvas.jsx").then((m) => ({ default: m.CardCanvas })));

const MAX_TEXT = 200;

/** Why these props cannot be drawn ("" when they can). */
export function cardProblem(name, foil, rating, reviews) {
  if (typeof name !== "string" || !name.trim() || name.length > MAX_TEXT) return "name";
  if (!FOILS.includes(foil)) return "foil";
  if (typeof rating !== "number" || !(rating >= 0 && rating <= 5)) return "rating";
  if (!Number.isInteger(reviews) || reviews < 0) return "reviews";
  return "";
}

/** The CSS holographic card: gradients and blend modes tilted with CSS variables. */
function CssCard({ name, subtitle, foil, rating, reviewCount, label, flipped, onFlip }) {
  const ref = useRef(null);
  const reduced = prefersReducedMotion();
  const onMove = useMemo(
    () =>
      rafThrottle((pos) => {
        const el = ref.current;
        if (!el || reduced) return;
        el.style.setProperty("--mx", `${pos.x * 100}%`);
        el.style.setProperty("--my", `${pos.y * 100}%`);
        el.style.setProperty("--rx", `${(pos.y - 0.5) * -14}deg`);
        el.style.setProperty("--ry", `${(pos.x - 0.5) * 18}deg`);
      }),
    [reduced],
  );
  return (
    <button
      ref={ref}
      type="button"
      className={`holo-card holo-card--${FOILS.includes(foil) ? foil : "regular"}${flipped ? " is-flipped" : ""}`}
      aria-label={`${label}. Press to flip the card.`}
      aria-pressed={!!flipped}
      onClick={() => onFlip && onFlip({ flipped: !flipped })}
      onPointerMove={(e) => {
        const box = e.currentTarget.getBoundingClientRect();
        onMove({ x: (e.clientX - box.left) / box.width, y: (e.clientY - box.top) / box.height });
      }}
    >
      <span className="holo-card__name">{name}</span>
      <span className="holo-card__art" aria-hidden="true">{String(name || "?").trim()[0]}</span>
      <span className="holo-card__text">{subtitle}</span>
      <span className="holo-card__stats">
        {"\u2605"} {Number(rating).toFixed(1)} · {reviewCount} reviews
      </span>
      <span className="holo-card__rarity">{RARITY_LABELS[foil] || ""}</span>
      <span className="holo-card__shine" aria-hidden="true" />
    </button>
  );
}

/** A solution's trading card: see components3d/card.py for the props. */
export function TradingCard(props) {
  const { name, foil, rating, reviewCount, label, poster, sceneId = "card" } = props;
  const problem = cardProblem(name, foil, rating, reviewCount);
  const full = { ...props, sceneId };
  return (
    <Stage
      sceneId={sceneId}
      label={label}
      poster={poster}
      invalid={problem}
      className="scene3d--card"
      render={(level, fail, ready) => (
        <Suspense fallback={null}>
          <CardCanvas level={level} fail={fail} ready={ready} props={full} />
        </Suspense>
      )}
      renderCss={() => <CssCard {...full} />}
      renderStatic={() => (
        <div className="scene3d-static">
          {poster ? <img src={poster} alt="" /> : null}
          <p className="scene3d-static__text">{problem ? "This card cannot be shown." : label}</p>
        </div>
      )}
    />
  );
}
