// Planned user-data against Nova's stored copy: only the cloud's values (MACs, floating and
// allocated addresses) may differ, consistently, and the program's own addresses not at all.
import * as assert from "assert";
import { programChosenAddresses, ValueMapping } from "../../cloud/user-data";

const planned = "mac fa:16:3e:00:00:01\nroute 10.100.102.0/24 via 10.100.101.10\nfip 203.0.113.10\n";
const stored = "mac fa:16:3e:ab:cd:ef\nroute 10.100.102.0/24 via 10.100.101.57\nfip 203.0.113.44\n";

describe("cloud: planned user-data against Nova's", () => {
    it("accepts the plan with the cloud's MACs and addresses in, the same mapping on every server", () => {
        const m = new ValueMapping(new Set(["10.100.102.0"]));
        assert.deepStrictEqual(m.compare("a", planned, stored), []);
        assert.deepStrictEqual(m.compare("b", "via 10.100.101.10", "via 10.100.101.57"), []);
    });
    it("names the server and the line when the text differs beyond those values", () => {
        const m = new ValueMapping(new Set());
        const [p] = m.compare("apache-1", planned, stored.replace("route", "rte"));
        assert.match(
            p,
            /^apache-1: user-data differs beyond the cloud's values at line 2: planned "route 10\.100\.102\.0\/24 via 10\.100\.101\.10", stored "rte/,
        );
    });
    it("refuses one planned value standing for two real ones, or two for one", () => {
        const m = new ValueMapping(new Set());
        m.compare("a", "x 10.0.0.1", "x 10.0.0.9");
        assert.match(
            m.compare("b", "x 10.0.0.1", "x 10.0.0.8")[0],
            /planned 10\.0\.0\.1 is 10\.0\.0\.9 elsewhere but 10\.0\.0\.8 here/,
        );
        assert.match(
            m.compare("c", "x 10.0.0.2", "x 10.0.0.9")[0],
            /10\.0\.0\.9 stands for both 10\.0\.0\.1 and 10\.0\.0\.2/,
        );
    });
    it("holds the addresses the program chose to exactly what was planned", () => {
        const fixed = programChosenAddresses([
            {
                type: "openstack:networking/port:Port",
                inputs: { fixedIps: [{ subnetId: "s", ipAddress: "10.100.102.10" }, { subnetId: "s" }] },
            },
            { type: "openstack:networking/subnet:Subnet", inputs: { gatewayIp: "10.100.102.1" } },
        ]);
        assert.deepStrictEqual([...fixed].sort(), ["10.100.102.1", "10.100.102.10"]);
        const m = new ValueMapping(fixed);
        assert.match(
            m.compare("apache-1", "ip 10.100.102.10", "ip 10.100.102.11")[0],
            /10\.100\.102\.10 is chosen by the program but Nova holds 10\.100\.102\.11/,
        );
    });
});
