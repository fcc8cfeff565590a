// Bloom, loaded only on capable devices at full quality (its own lazy chunk).
import React from "react";
import { Bloom, EffectComposer } from "@react-three/postprocessing";

export default function Effects() {
  return (
    <EffectComposer multisampling={0}>
      <Bloom intensity={0.55} luminanceThreshold={0.82} luminanceSmoothing={0.2} mipmapBlur />
    </EffectComposer>
  );
}
