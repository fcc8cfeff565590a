// Validate one glTF/GLB file with the Khronos glTF validator and print a JSON summary.
// Usage: node validate.mjs FILE. External resources are never fetched: any URI other than a
// data: URI is reported as an error. Exit 0 with the summary on stdout, 2 on a usage error.
import { readFile } from "node:fs/promises";
import validator from "gltf-validator";

const file = process.argv[2];
if (!file) {
  console.error("usage: node validate.mjs FILE");
  process.exit(2);
}
const bytes = new Uint8Array(await readFile(file));
const report = await validator.validateBytes(bytes, {
  maxIssues: 50,
  externalResourceFunction: (uri) =>
    Promise.reject(new Error(`external resource refused: ${uri}`)),
});
const info = report.info || {};
const summary = {
  errors: report.issues.numErrors,
  warnings: report.issues.numWarnings,
  messages: report.issues.messages
    .filter((m) => m.severity === 0)
    .slice(0, 5)
    .map((m) => `${m.code}: ${m.message}`),
  triangles: info.totalTriangleCount ?? 0,
  vertices: info.totalVertexCount ?? 0,
  drawCalls: info.drawCallCount ?? 0,
  images: (info.resources || [])
    .filter((r) => r.pointer && r.pointer.startsWith("/images/"))
    .map((r) => ({ mime: r.mimeType || "", width: r.image?.width ?? 0, height: r.image?.height ?? 0 })),
  extensionsUsed: info.extensionsUsed || [],
};
process.stdout.write(JSON.stringify(summary));
