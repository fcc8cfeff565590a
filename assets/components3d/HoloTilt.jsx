// A card that tilts toward the pointer (or the phone's orientation) with a glare that follows.
// No 3D library: it only writes CSS custom properties (--rx, --ry, --mx, --my, --hyp) on its
// element, and assets/showroom.css turns them into a transform, a glare and a foil shine.
import React, { useEffect, useRef, useState } from "react";

const MAX_TILT = 14; // degrees at the card's edge

function prefersReducedMotion() {
  return (
    typeof window !== "undefined" &&
    typeof window.matchMedia === "function" &&
    window.matchMedia("(prefers-reduced-motion: reduce)").matches
  );
}

function clamp(value) {
  return Math.max(-1, Math.min(1, value));
}

function orientationApi() {
  return typeof window !== "undefined" ? window.DeviceOrientationEvent : undefined;
}

export function HoloTilt({ children, className = "", motionLabel = "Tilt with your phone", ...rest }) {
  const ref = useRef(null);
  const frame = useRef(0);
  // Both start as the server-rendered page has them and are read in an effect (no mismatch).
  const [reduced, setReduced] = useState(false);
  // "none": no sensor; "auto": listen without asking (Android, desktops); "ask": a touch
  // screen whose browser may want a tap first (iOS); "on": readings come; "denied": refused.
  const [motion, setMotion] = useState("none");

  // x and y run from -1 to 1 from the card's centre.
  const apply = (x, y, active) => {
    const el = ref.current;
    if (!el) return;
    cancelAnimationFrame(frame.current);
    frame.current = requestAnimationFrame(() => {
      el.style.setProperty("--rx", `${(-y * MAX_TILT).toFixed(2)}deg`);
      el.style.setProperty("--ry", `${(x * MAX_TILT).toFixed(2)}deg`);
      el.style.setProperty("--mx", `${(50 + x * 50).toFixed(1)}%`);
      el.style.setProperty("--my", `${(50 + y * 50).toFixed(1)}%`);
      el.style.setProperty("--hyp", Math.min(1, Math.hypot(x, y)).toFixed(3));
      el.dataset.active = active ? "true" : "false";
    });
  };

  useEffect(() => {
    const api = orientationApi();
    // Desktop Chromium has requestPermission too: only a touch screen gets the button.
    const touch = typeof window.matchMedia === "function" && window.matchMedia("(pointer: coarse)").matches;
    if (api) setMotion(touch && typeof api.requestPermission === "function" ? "ask" : "auto");
    setReduced(prefersReducedMotion());
    if (typeof window.matchMedia !== "function") return undefined;
    const query = window.matchMedia("(prefers-reduced-motion: reduce)");
    const onChange = () => setReduced(query.matches);
    query.addEventListener("change", onChange);
    return () => query.removeEventListener("change", onChange);
  }, []);

  useEffect(() => {
    if (reduced) apply(0, 0, false);
    if (reduced || motion === "none" || motion === "denied") return undefined;
    // Listening costs nothing where no sensor answers; where one does (Android), the first
    // reading switches motion on and the iOS-style button goes away.
    const onTilt = (event) => {
      // Desktops fire one event with no angles: ignore it.
      if (event.gamma == null || event.beta == null) return;
      if (motion === "ask") setMotion("on");
      apply(clamp(event.gamma / 30), clamp((event.beta - 45) / 30), true);
    };
    window.addEventListener("deviceorientation", onTilt);
    return () => window.removeEventListener("deviceorientation", onTilt);
  }, [reduced, motion]);

  useEffect(() => () => cancelAnimationFrame(frame.current), []);

  const onPointerMove = (event) => {
    if (reduced || !ref.current) return;
    const box = ref.current.getBoundingClientRect();
    if (!box.width || !box.height) return;
    const x = ((event.clientX - box.left) / box.width) * 2 - 1;
    const y = ((event.clientY - box.top) / box.height) * 2 - 1;
    apply(clamp(x), clamp(y), true);
  };

  const askForMotion = () => {
    orientationApi()
      .requestPermission()
      .then((answer) => setMotion(answer === "granted" ? "on" : "denied"))
      .catch(() => setMotion("denied"));
  };

  return (
    <div className="holo-tilt-stage">
      <div
        ref={ref}
        className={`holo-tilt ${className}`}
        data-reduced={reduced ? "true" : "false"}
        data-active="false"
        onPointerMove={onPointerMove}
        onPointerLeave={() => apply(0, 0, false)}
        {...rest}
      >
        {children}
      </div>
      {!reduced && motion === "ask" ? (
        <button type="button" className="holo-tilt-motion" onClick={askForMotion}>
          {motionLabel}
        </button>
      ) : null}
      {motion === "denied" ? (
        <p className="holo-tilt-note" role="status">
          Motion access was not allowed: move your finger over the card instead.
        </p>
      ) : null}
    </div>
  );
}
