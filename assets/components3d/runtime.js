// Shared by every 3D scene: quality levels, capability checks, the persisted choice and the
// test hook. Plain JavaScript (no three.js) so it costs nothing before a scene loads.

export const LEVELS = ["xr", "full", "reduced", "css", "static"];
export const LEVEL_NAMES = {
  auto: "Automatic",
  xr: "VR / AR",
  full: "Full 3D",
  reduced: "Reduced 3D",
  css: "Holographic (no 3D)",
  static: "Static image",
};
const STORAGE_KEY = "aixplore.3d.quality";

let webglCache = null;

/** Whether this browser can create a WebGL context at all (checked once). */
export function webglInfo() {
  if (webglCache) return webglCache;
  webglCache = { ok: false, software: false, renderer: "" };
  try {
    const canvas = document.createElement("canvas");
    const gl = canvas.getContext("webgl2") || canvas.getContext("webgl");
    if (gl) {
      const ext = gl.getExtension("WEBGL_debug_renderer_info");
      const renderer = ext ? String(gl.getParameter(ext.UNMASKED_RENDERER_WEBGL)) : "";
      webglCache = {
        ok: true,
        renderer,
        software: /swiftshader|llvmpipe|software/i.test(renderer),
      };
      const lose = gl.getExtension("WEBGL_lose_context");
      if (lose) lose.loseContext();
    }
  } catch (_error) {
    webglCache = { ok: false, software: false, renderer: "" };
  }
  return webglCache;
}

export function prefersReducedMotion() {
  return typeof window !== "undefined" && !!window.matchMedia &&
    window.matchMedia("(prefers-reduced-motion: reduce)").matches;
}

/** The user's saved choice: "auto" or one of LEVELS. */
export function readChoice() {
  try {
    const value = window.localStorage.getItem(STORAGE_KEY);
    return value === "auto" || LEVELS.includes(value) ? value : "auto";
  } catch (_error) {
    return "auto";
  }
}

export function writeChoice(value) {
  try {
    window.localStorage.setItem(STORAGE_KEY, value);
  } catch (_error) {
    // Private mode: the choice lasts for this page only.
  }
  window.dispatchEvent(new CustomEvent("aixplore:quality", { detail: value }));
}

/** The level "auto" starts at, from capability and prefers-reduced-motion. */
export function autoLevel() {
  const gl = webglInfo();
  if (!gl.ok) return prefersReducedMotion() ? "static" : "css";
  return prefersReducedMotion() ? "reduced" : "full";
}

/** The next level down the chain (static is the floor). */
export function stepDown(level) {
  const i = LEVELS.indexOf(level);
  return LEVELS[Math.min(LEVELS.length - 1, Math.max(i, 0) + 1)];
}

export function uses3d(level) {
  return level === "xr" || level === "full" || level === "reduced";
}

/** Tests set window.__aixplore3dFreeze = true before load: poses stop, frames only on demand. */
export function frozen() {
  return typeof window !== "undefined" && window.__aixplore3dFreeze === true;
}

/** Benchmarks set window.__aixplore3dAnimate = true: frames run continuously, to measure fps. */
export function forceAnimate() {
  return typeof window !== "undefined" && window.__aixplore3dAnimate === true;
}

/**
 * Benchmarks set window.__aixplore3dLegacy = true for the behaviour before frugal rendering
 * (continuous frames while the token spins, no pause off screen, no phone DPR cap): the
 * "before" figure measured in the same run.
 */
export function legacyLoop() {
  return typeof window !== "undefined" && window.__aixplore3dLegacy === true;
}

/** A phone or small tablet: a coarse pointer on a small screen (its DPR is capped lower). */
export function isPhone() {
  if (typeof window === "undefined" || !window.matchMedia) return false;
  const small = Math.min(window.screen?.width || 9999, window.screen?.height || 9999) < 820;
  return small && window.matchMedia("(pointer: coarse)").matches;
}

/** Publish a scene's observable state for tests and diagnostics (window.__aixplore3d). */
export function report(sceneId, patch) {
  if (typeof window === "undefined") return;
  const root = (window.__aixplore3d = window.__aixplore3d || { scenes: {} });
  root.scenes[sceneId] = { ...(root.scenes[sceneId] || {}), ...patch };
}

/** Throttle a handler to one call per animation frame (device orientation fires at 60+ Hz). */
export function rafThrottle(fn) {
  let pending = null;
  let queued = false;
  return (event) => {
    pending = event;
    if (queued) return;
    queued = true;
    window.requestAnimationFrame(() => {
      queued = false;
      fn(pending);
    });
  };
}

export function formatTokens(value) {
  return new Intl.NumberFormat("en-US").format(value);
}
