// Compress an accepted solution model: DRACO at full detail plus simplified levels of detail,
// and an uncompressed copy of the lowest level for the poster renderer.
// Usage: node process.mjs IN.glb OUT_DIR. Writes OUT_DIR/lod0.glb, lod1.glb, lod2.glb and
// poster-source.glb, and prints a JSON summary (bytes and triangles per level).
import { readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { Logger, NodeIO } from "@gltf-transform/core";
import { ALL_EXTENSIONS } from "@gltf-transform/extensions";
import { dedup, draco, prune, simplify, weld } from "@gltf-transform/functions";
import draco3d from "draco3dgltf";
import { MeshoptSimplifier } from "meshoptimizer";

const [input, outDir] = process.argv.slice(2);
if (!input || !outDir) {
  console.error("usage: node process.mjs IN.glb OUT_DIR");
  process.exit(2);
}
const io = new NodeIO().registerExtensions(ALL_EXTENSIONS).registerDependencies({
  "draco3d.decoder": await draco3d.createDecoderModule(),
  "draco3d.encoder": await draco3d.createEncoderModule(),
});
await MeshoptSimplifier.ready;
const source = await readFile(input);

function triangles(doc) {
  let count = 0;
  for (const mesh of doc.getRoot().listMeshes()) {
    for (const prim of mesh.listPrimitives()) {
      if (prim.getMode() !== 4) continue;
      const indices = prim.getIndices();
      const position = prim.getAttribute("POSITION");
      count += Math.floor((indices ? indices.getCount() : position ? position.getCount() : 0) / 3);
    }
  }
  return count;
}

function dropDraco(doc) {
  for (const ext of doc.getRoot().listExtensionsUsed()) {
    if (ext.extensionName === "KHR_draco_mesh_compression") ext.dispose();
  }
}

// Each level starts from the decoded upload; ratio 1 keeps every triangle.
const levels = [
  { name: "lod0", ratio: 1 },
  { name: "lod1", ratio: 0.4 },
  { name: "lod2", ratio: 0.1 },
];
const summary = { levels: [] };
for (const level of levels) {
  const doc = await io.readBinary(new Uint8Array(source));
  doc.setLogger(new Logger(Logger.Verbosity.WARN));
  dropDraco(doc);
  await doc.transform(dedup(), prune(), weld());
  if (level.ratio < 1) {
    await doc.transform(simplify({ simplifier: MeshoptSimplifier, ratio: level.ratio, error: 0.01 }));
  }
  if (level.name === "lod2") {
    await io.write(join(outDir, "poster-source.glb"), doc);
  }
  await doc.transform(draco({ method: "edgebreaker" }));
  const file = join(outDir, `${level.name}.glb`);
  await io.write(file, doc);
  summary.levels.push({ name: level.name, bytes: (await stat(file)).size, triangles: triangles(doc) });
}
process.stdout.write(JSON.stringify(summary));
