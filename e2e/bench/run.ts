// `npm run bench -- <name>`: runs one benchmark (or all of them) and prints its figures; the
// last line of each is one JSON object.
import { benchAnnotate } from "./annotate";

const benches: Record<string, () => Promise<void>> = {
  annotate: benchAnnotate,
  "annotate-ui": async () => (await import("./annotate-ui")).benchAnnotateUi(),
  dashboard: async () => (await import("./dashboard")).benchDashboard(),
  export: async () => (await import("./export")).benchExport(),
  generate: async () => (await import("./generate")).benchGenerate(),
  import: async () => (await import("./import")).benchImport(),
  "import-latency": async () => (await import("./import-latency")).benchImportLatency(),
  reward: async () => (await import("./reward")).benchReward(),
  round: async () => (await import("./round")).benchRound(),
};

async function main() {
  const names = process.argv.slice(2);
  const selected = names.length ? names : Object.keys(benches);
  for (const name of selected) {
    const bench = benches[name];
    if (!bench) throw new Error(`Unknown benchmark "${name}". Known: ${Object.keys(benches).join(", ")}.`);
    await bench();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
