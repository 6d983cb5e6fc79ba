// Trained heads on disk: DATA_DIR/reward-models/<model id>.json. The file name is made here
// from the model's id (never from user input), and a file is written under a temporary name
// and renamed, so a reader never sees half an artifact.
import fs from "node:fs";
import path from "node:path";
import { RewardHead } from "./head";
import { config } from "../../server/config/config";

const SAFE_ID = /^[A-Za-z0-9_-]{1,64}$/;

export function artifactDir(dataDir = config().DATA_DIR): string {
  return path.resolve(dataDir, "reward-models");
}

/** The artifact's name as stored in RewardModel.artifactUri (relative to artifactDir). */
export function artifactName(modelId: string): string {
  if (!SAFE_ID.test(modelId)) throw new Error(`Not a reward model id: ${JSON.stringify(modelId)}.`);
  return `${modelId}.json`;
}

function resolveArtifact(name: string, dir: string): string {
  const base = path.basename(name);
  if (base !== name || !/^[A-Za-z0-9_-]{1,64}\.json$/.test(base)) throw new Error(`Not a reward model artifact name: ${JSON.stringify(name)}.`);
  return path.join(dir, base);
}

export function writeArtifact(modelId: string, head: RewardHead, dir = artifactDir()): string {
  fs.mkdirSync(dir, { recursive: true });
  const name = artifactName(modelId);
  const final = path.join(dir, name);
  const temporary = `${final}.${process.pid}.tmp`;
  fs.writeFileSync(temporary, head.serialize());
  fs.renameSync(temporary, final);
  return name;
}

export function readArtifact(name: string, dir = artifactDir()): RewardHead {
  const file = resolveArtifact(name, dir);
  if (!fs.existsSync(file)) throw new Error(`The reward model's artifact ${name} is missing from ${dir}.`);
  return RewardHead.parse(fs.readFileSync(file));
}

export function removeArtifact(name: string, dir = artifactDir()): void {
  fs.rmSync(resolveArtifact(name, dir), { force: true });
}
