// The VNF env contracts the images read, one module each; this file only gathers them for the
// importers that take several at once. Homes:
//   lib/router-env.ts      the router's INTERFACES, ROUTES (Route) and parseRouterEnv
//   lib/router-bgp-env.ts  the router's bgp mode: ROUTING, BGP_*, BFD_* (RouterBgp)
//   lib/vnf-passwords.ts   VTY_PASSWORD and BGP_PASSWORD (secrets, never quoted)
//   lib/lb-env.ts          the load balancer's SERVERS (Backend)
//   lib/vnf-env-syntax.ts  VnfConfigError and the comma-list syntax they share
// The images' twin is images/lib/vnf-env.sh; both are held to tests/vectors/vnf-env.json.
export * from "./vnf-env-syntax";
export * from "./vnf-passwords";
export * from "./router-bgp-env";
export * from "./router-env";
export * from "./lb-env";
