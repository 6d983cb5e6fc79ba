// Which way imports may point (README, "Layout"). `npm run lint:deps` checks it; `npm test` runs it first.
//   app/      pages and route handlers: may use server/'s schemas, types and domain functions
//   server/   the domain and the web process: never imports workers/ or app/
//   workers/  the jobs: build on server/, never on app/
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: "server-not-to-workers",
      comment: "server/ is what the web process loads; model code and job handlers live in workers/, which builds on server/, not the other way round.",
      severity: "error",
      from: { path: "^server/" },
      to: { path: "^workers/" },
    },
    {
      name: "server-not-to-app",
      comment: "server/ holds the domain; app/ renders it. Pages and route handlers call server/, never the other way round (a test may drive a route handler).",
      severity: "error",
      from: { path: "^server/", pathNot: "\\.test\\.ts$" },
      to: { path: "^app/" },
    },
    {
      name: "workers-not-to-app",
      comment: "Workers run outside Next.js; they build on server/ only.",
      severity: "error",
      from: { path: "^workers/" },
      to: { path: "^app/" },
    },
    {
      name: "app-not-to-database",
      comment: "app/ may use server/'s schemas, types and domain functions, never its database code: pages and route handlers call a domain function, which holds the database.",
      severity: "error",
      from: { path: "^app/" },
      to: { path: "^server/db/", pathNot: "^server/db/types\\.ts$" },
    },
    {
      name: "no-unresolvable",
      comment: "An import that does not resolve is a typo or a missing dependency.",
      severity: "error",
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "(^|/)(node_modules|\\.next|\\.data)/" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: { exportsFields: ["exports"], conditionNames: ["import", "require", "node", "default", "types"], extensions: [".ts", ".tsx", ".js", ".mjs", ".cjs", ".json"] },
  },
};
