// The foil shader shared by the single card and the instanced gallery.
// Foils: 0 regular (glare only), 1 reverse holo (foil everywhere but the art),
// 2 rainbow (the whole card), 3 secret rare (gold glitter over rainbow).
import * as THREE from "three";
import { FOILS, RARITY_LABELS } from "./rarity.js";

export { FOILS, RARITY_LABELS };

const common = /* glsl */ `
  float hash(vec2 p) { return fract(sin(dot(p, vec2(127.1, 311.7))) * 43758.5453); }
  vec3 foilColor(vec2 uv, vec2 pointer, float foil, float inArt, vec3 base) {
    float angle = dot(pointer, vec2(0.7, 0.45));
    vec3 rainbow = 0.5 + 0.5 * cos(6.2831 * (uv.x * 0.8 + uv.y * 0.6 + angle + vec3(0.0, 0.33, 0.67)));
    float mask = foil < 0.5 ? 0.0 : foil < 1.5 ? 1.0 - inArt : 1.0;
    float strength = foil < 1.5 ? 0.5 : 0.62;
    vec3 sheen = rainbow;
    if (foil > 2.5) {
      float sparkle = step(0.975, hash(floor(uv * 160.0) + floor(angle * 8.0)));
      sheen = mix(vec3(1.0, 0.82, 0.35), rainbow, 0.45) + sparkle * 1.6;
    }
    vec3 col = mix(base, base * 0.5 + sheen * 0.75, mask * strength);
    float glare = pow(max(0.0, 1.0 - distance(uv, vec2(0.5) + pointer * 0.45) * 1.5), 3.0);
    return col + glare * (foil < 0.5 ? 0.3 : 0.55);
  }
`;

/** The single card's material: the card face texture with foil and glare. */
export function cardMaterial(map, foilIndex) {
  return new THREE.ShaderMaterial({
    uniforms: {
      uMap: { value: map },
      uPointer: { value: new THREE.Vector2() },
      uFoil: { value: foilIndex },
      uArt: { value: new THREE.Vector4(0.08, 0.38, 0.92, 0.86) },
    },
    vertexShader: /* glsl */ `
      varying vec2 vUv;
      void main() { vUv = uv; gl_Position = projectionMatrix * modelViewMatrix * vec4(position, 1.0); }
    `,
    fragmentShader: /* glsl */ `
      uniform sampler2D uMap; uniform vec2 uPointer; uniform float uFoil; uniform vec4 uArt;
      varying vec2 vUv;
      ${common}
      void main() {
        vec3 base = texture2D(uMap, vUv).rgb;
        float inArt = step(uArt.x, vUv.x) * step(vUv.x, uArt.z) * step(uArt.y, vUv.y) * step(vUv.y, uArt.w);
        gl_FragColor = vec4(foilColor(vUv, uPointer, uFoil, inArt, base), 1.0);
      }
    `,
  });
}

/** The gallery's material: a procedural card per instance (foil, hue), one draw call for all. */
export function galleryMaterial() {
  return new THREE.ShaderMaterial({
    uniforms: { uPointer: { value: new THREE.Vector2() } },
    vertexShader: /* glsl */ `
      attribute float aFoil; attribute float aHue; attribute float aSelected;
      varying vec2 vUv; varying float vFoil; varying float vHue; varying float vSelected;
      void main() {
        vUv = uv; vFoil = aFoil; vHue = aHue; vSelected = aSelected;
        gl_Position = projectionMatrix * modelViewMatrix * instanceMatrix * vec4(position, 1.0);
      }
    `,
    fragmentShader: /* glsl */ `
      uniform vec2 uPointer;
      varying vec2 vUv; varying float vFoil; varying float vHue; varying float vSelected;
      ${common}
      void main() {
        vec3 hue = 0.55 + 0.45 * cos(6.2831 * (vHue + vec3(0.0, 0.33, 0.67)));
        vec3 rim = vFoil > 2.5 ? vec3(0.95, 0.78, 0.3) : vFoil > 1.5 ? vec3(0.75, 0.6, 1.0) : vFoil > 0.5 ? vec3(0.6, 0.8, 0.95) : vec3(0.8);
        float border = step(0.06, vUv.x) * step(vUv.x, 0.94) * step(0.05, vUv.y) * step(vUv.y, 0.95);
        float art = step(0.12, vUv.x) * step(vUv.x, 0.88) * step(0.4, vUv.y) * step(vUv.y, 0.88);
        vec3 base = mix(rim, mix(vec3(0.12, 0.1, 0.2), hue * (0.6 + 0.4 * vUv.y), art), border);
        vec3 col = foilColor(vUv, uPointer, vFoil, art, base);
        col = mix(col, vec3(1.0), vSelected * (1.0 - border) * 0.9);
        gl_FragColor = vec4(col, 1.0);
      }
    `,
  });
}
