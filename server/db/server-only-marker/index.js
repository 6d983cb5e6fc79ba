// Empty on purpose: see package.json. Next.js resolves "server-only" on its own, failing the build
// when a client component imports a module marked with it.
