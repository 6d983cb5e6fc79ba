// Password hashing with bcrypt (bcryptjs: pure JS, no native build, constant-time compare).
import bcrypt from "bcryptjs";

// 11 rounds: ~100 ms per hash on a 2-core machine, slow enough for offline guessing to hurt.
const ROUNDS = 11;

export function hashPassword(password: string): Promise<string> {
  return bcrypt.hash(password, ROUNDS);
}

export function verifyPassword(password: string, hash: string): Promise<boolean> {
  return bcrypt.compare(password, hash);
}
