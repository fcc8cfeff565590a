// Tossing the token: the coin flies up turning end over end and lands on a surface, with
// rapier physics (@react-three/rapier). Its own lazy chunk: the physics engine (WebAssembly)
// is fetched only when someone presses "Toss", never by a page that merely shows the token.
import React, { useEffect, useRef } from "react";
import { useFrame, useThree } from "@react-three/fiber";
import { CuboidCollider, CylinderCollider, Physics, RigidBody } from "@react-three/rapier";
import { report } from "./runtime.js";

const FLOOR_Y = -1.1;
// A toss that has not come to rest by then stops asking for frames anyway.
const MAX_MS = 8000;

/** Asks for frames while the coin moves; reports where it came to rest. */
function UntilAtRest({ body, sceneId }) {
  const invalidate = useThree((s) => s.invalidate);
  const begun = useRef(performance.now());
  const done = useRef(false);
  useFrame(() => {
    const b = body.current;
    if (done.current) return;
    const elapsed = performance.now() - begun.current;
    if (b) {
      const v = b.linvel();
      const w = b.angvel();
      const still = Math.hypot(v.x, v.y, v.z) < 0.02 && Math.hypot(w.x, w.y, w.z) < 0.05;
      if ((elapsed > 500 && (b.isSleeping() || still)) || elapsed > MAX_MS) {
        done.current = true;
        const atRest = elapsed <= MAX_MS;
        report(sceneId, { tossing: false, tossLanded: true, atRest, restY: +b.translation().y.toFixed(3) });
        return;
      }
    }
    invalidate();
  });
  return null;
}

/** The camera looks down on the surface while the toss lasts; put back afterwards. */
function TossCamera() {
  const camera = useThree((s) => s.camera);
  const invalidate = useThree((s) => s.invalidate);
  useEffect(() => {
    const position = camera.position.clone();
    const quaternion = camera.quaternion.clone();
    camera.position.set(0, 1.8, 6);
    camera.lookAt(0, -0.5, 0);
    camera.updateMatrixWorld();
    invalidate();
    return () => {
      camera.position.copy(position);
      camera.quaternion.copy(quaternion);
      camera.updateMatrixWorld();
      invalidate();
    };
  }, [camera, invalidate]);
  return null;
}

/** The coin (``children``) as a rigid body tossed onto a round table. */
export default function TokenToss({ children, sceneId }) {
  const body = useRef(null);
  const spin = useRef([7 + Math.random() * 4, 0, (Math.random() - 0.5) * 2]);
  useEffect(() => report(sceneId, { tossing: true, tossLanded: false }), [sceneId]);
  return (
    <Physics gravity={[0, -9.81, 0]}>
      <TossCamera />
      <RigidBody
        ref={body}
        colliders={false}
        position={[0, 0, 0]}
        linearVelocity={[0, 3.5, 0]}
        angularVelocity={spin.current}
        restitution={0.35}
        friction={0.8}
        angularDamping={0.6}
        linearDamping={0.1}
        ccd
      >
        {/* The coin's axis is its local z; rapier's cylinders stand on y. */}
        <CylinderCollider args={[0.1, 1]} rotation={[Math.PI / 2, 0, 0]} />
        {children}
      </RigidBody>
      <RigidBody type="fixed" colliders={false}>
        <CuboidCollider args={[4, 0.1, 4]} position={[0, FLOOR_Y - 0.1, 0]} />
        <mesh rotation={[-Math.PI / 2, 0, 0]} position={[0, FLOOR_Y, 0]}>
          <circleGeometry args={[3, 48]} />
          <meshStandardMaterial color="#3b3355" roughness={0.8} />
        </mesh>
      </RigidBody>
      <UntilAtRest body={body} sceneId={sceneId} />
    </Physics>
  );
}
