import * as assert from "assert";
import { addressesToKeep, aptSourceHosts } from "../../cloud/host-routes";
import { EXTERNAL } from "../../cloud/layout";

describe("cloud host routes: the external network's unreachable route spares the registries", () => {
    it("keeps a registry address inside the external CIDR, once, and nothing outside it", () => {
        const resolved = ["203.0.113.80", "198.51.100.7", "203.0.113.80", "203.0.114.1"];
        assert.deepStrictEqual(addressesToKeep(resolved, EXTERNAL.cidr), ["203.0.113.80"]);
        assert.deepStrictEqual(addressesToKeep(["192.0.2.10"], EXTERNAL.cidr), []);
    });

    it("reads the hosts of apt's one-line and deb822 sources, not of commented-out lines", () => {
        const sources = [
            "deb http://deb.debian.org/debian bookworm main",
            "# deb http://ignored.example/debian bookworm main",
            "Types: deb\nURIs: https://Security.Debian.org/debian-security\nSuites: bookworm-security",
        ].join("\n");
        assert.deepStrictEqual(aptSourceHosts(sources), ["deb.debian.org", "security.debian.org"]);
    });
});
