// The router node's kernel table against the chain's ROUTES (lab/topology/route-checks.ts).
import * as assert from "assert";
import { parseRoutes } from "../../../lib/router-env";
import { missingRoutes } from "../../../lab/topology/route-checks";

describe("router routes in a node's kernel table", () => {
    it("finds ROUTES entries missing from the kernel, and connected routes that shadow them", () => {
        const routes = parseRoutes("10.100.102.0/24 dev eth1,10.9.0.0/16 10.100.101.1");
        const good = [
            { dst: "10.100.102.0/24", dev: "eth1", protocol: "196" },
            { dst: "10.9.0.0/16", gateway: "10.100.101.1", dev: "eth0", protocol: "196" },
        ];
        assert.deepStrictEqual(missingRoutes(routes, good), []);
        // Installed by hand (proto static = 4) is not zebra's.
        assert.match(
            missingRoutes(routes, [{ ...good[0], protocol: "4" }, good[1]]).join(),
            /10.100.102.0\/24 dev eth1 is not in the kernel/,
        );
        // A connected /24 on eth1 (the pitfall the node's /32 avoids).
        const shadowed = missingRoutes(routes, [...good, { dst: "10.100.102.0/24", dev: "eth1", protocol: "2" }]);
        assert.match(shadowed.join(), /also a connected route on eth1/);
    });
});
