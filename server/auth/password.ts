// Password hashing with bcrypt (bcryptjs: pure JS, no native build, constant-time compare).
import bcrypt from "bcryptjs";

// 11 rounds: slow enough for offline guessing to hurt.
export const ROUNDS = 11;

/**
 * A hash of no one's password, at the same cost as real ones. A sign-in for an email with no
 * usable password (unknown, deactivated, OAuth-only) is checked against it, so it takes the
 * same bcrypt work as a wrong password for a real account and the timing tells nothing.
 */
export const DUMMY_PASSWORD_HASH = "$2b$11$w/cGzb.eaw83i2cEr8eVXeN/KllfjCBp2Q2jkNBQZgKvJYMOT6.MG";

export function hashPassword(password: string): Promise<string> {
  return bcrypt.hash(password, ROUNDS);
}

export function verifyPassword(password: string, hash: string): Promise<boolean> {
  return bcrypt.compare(password, hash);
}
