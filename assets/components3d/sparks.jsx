// Particles for the gallery's opened card: a short burst when it opens, and a sparkle on rare
// foils that twinkles as the pointer moves (driven by the pointer, not by time, so a still card
// draws no frames). Neither is drawn under reduced motion.
import React, { useEffect, useMemo, useRef } from "react";
import { useFrame } from "@react-three/fiber";
import * as THREE from "three";

const BURST_COUNT = 90;
const BURST_LIFE = 0.9; // seconds
const SPARKLE_COUNT = 60;

/** Points flying out from the card's centre for BURST_LIFE seconds, then gone. */
export function Burst({ color }) {
  const points = useRef();
  const age = useRef(0);
  const { geometry, velocity } = useMemo(() => {
    const g = new THREE.BufferGeometry();
    g.setAttribute("position", new THREE.BufferAttribute(new Float32Array(BURST_COUNT * 3), 3));
    const v = new Float32Array(BURST_COUNT * 3);
    for (let i = 0; i < BURST_COUNT; i += 1) {
      const a = Math.random() * Math.PI * 2;
      const speed = 0.8 + Math.random() * 1.6;
      v[i * 3] = Math.cos(a) * speed;
      v[i * 3 + 1] = Math.sin(a) * speed;
      v[i * 3 + 2] = 0.2 + Math.random() * 0.6;
    }
    return { geometry: g, velocity: v };
  }, []);
  const material = useMemo(
    () =>
      new THREE.PointsMaterial({
        color,
        size: 0.045,
        transparent: true,
        depthWrite: false,
        blending: THREE.AdditiveBlending,
      }),
    [color],
  );
  useEffect(() => () => [geometry, material].forEach((x) => x.dispose()), [geometry, material]);
  useFrame((state, delta) => {
    if (age.current >= BURST_LIFE) return;
    age.current = Math.min(BURST_LIFE, age.current + Math.min(delta, 0.05));
    const t = age.current;
    const position = geometry.getAttribute("position");
    const travel = t - (t * t) / (2 * BURST_LIFE); // slowing down
    for (let i = 0; i < BURST_COUNT * 3; i += 1) position.array[i] = velocity[i] * travel;
    position.needsUpdate = true;
    material.opacity = 1 - t / BURST_LIFE;
    if (t < BURST_LIFE) state.invalidate();
    else points.current.visible = false;
  });
  return <points ref={points} geometry={geometry} material={material} />;
}

/** Glints scattered over a rare card, each lit at its own pointer angle. */
export function Sparkle({ pointer, width, height }) {
  const { geometry, material } = useMemo(() => {
    const g = new THREE.BufferGeometry();
    const p = new Float32Array(SPARKLE_COUNT * 3);
    const phase = new Float32Array(SPARKLE_COUNT);
    for (let i = 0; i < SPARKLE_COUNT; i += 1) {
      p[i * 3] = (Math.random() - 0.5) * width;
      p[i * 3 + 1] = (Math.random() - 0.5) * height;
      p[i * 3 + 2] = 0.01;
      phase[i] = Math.random() * 6.2831;
    }
    g.setAttribute("position", new THREE.BufferAttribute(p, 3));
    g.setAttribute("aPhase", new THREE.BufferAttribute(phase, 1));
    const m = new THREE.ShaderMaterial({
      transparent: true,
      depthWrite: false,
      blending: THREE.AdditiveBlending,
      uniforms: { uPointer: { value: new THREE.Vector2() } },
      vertexShader: /* glsl */ `
        attribute float aPhase; uniform vec2 uPointer; varying float vGlow;
        void main() {
          vGlow = pow(max(0.0, sin(aPhase * 7.0 + dot(uPointer, vec2(5.0, 3.0)))), 12.0);
          vec4 mv = modelViewMatrix * vec4(position, 1.0);
          gl_PointSize = 14.0 * vGlow * (2.0 / -mv.z);
          gl_Position = projectionMatrix * mv;
        }
      `,
      fragmentShader: /* glsl */ `
        varying float vGlow;
        void main() {
          vec2 c = gl_PointCoord - 0.5;
          float star = max(0.0, 1.0 - 12.0 * abs(c.x * c.y) - 2.0 * length(c));
          gl_FragColor = vec4(vec3(1.0, 0.95, 0.8), star * vGlow);
        }
      `,
    });
    return { geometry: g, material: m };
  }, [width, height]);
  useEffect(() => () => [geometry, material].forEach((x) => x.dispose()), [geometry, material]);
  useFrame(() => material.uniforms.uPointer.value.set(pointer.current.x, pointer.current.y));
  return <points geometry={geometry} material={material} />;
}
