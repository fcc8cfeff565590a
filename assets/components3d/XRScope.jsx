// WebXR (VR/AR) for the scenes that offer it; a lazy chunk loaded only when chosen.
// Controller and hand models would come from a CDN: they are off, and so is the emulator.
import React from "react";
import { XR, createXRStore } from "@react-three/xr";

export const store = createXRStore({ emulate: false, controller: false, hand: false });

export function XRScope({ children }) {
  return <XR store={store}>{children}</XR>;
}
