// Where the app under test keeps its embedded database and runtime.json: one folder per
// E2E_PORT, so runs on different ports never share a database.
export const e2ePort = Number(process.env.E2E_PORT ?? 3107);
export const e2eDataDir = e2ePort === 3107 ? ".data/e2e" : `.data/e2e-${e2ePort}`;
