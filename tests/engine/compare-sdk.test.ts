// The build-time checks of our plugins' schemas (engine/tools): which SDK members the program
// uses, read from its imports, and the comparison of a generated schema with the SDK's .d.ts.
import * as assert from "assert";
import { execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { PROJECT_DIR } from "../../harness/stack-files";

const tool = (name: string) => path.join(PROJECT_DIR, "engine", "tools", name);

describe("engine/tools: the plugins' schema checks", () => {
    let tmp: string;
    beforeEach(() => (tmp = fs.mkdtempSync(path.join(os.tmpdir(), "hvnf-compare-sdk-"))));
    afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

    it("used-tokens.py reads resources and functions from a program's imports, not from its tests", () => {
        fs.mkdirSync(path.join(tmp, "stacks"));
        fs.writeFileSync(
            path.join(tmp, "stacks", "a.ts"),
            'import * as networking from "@pulumi/openstack/networking";\nimport * as remote from "@pulumi/command/remote";\n' +
                'new networking.SecGroupRule("r", {});\nconst n = networking.getNetworkOutput({ name: "x" });\nnew remote.Command("c", {});\n',
        );
        fs.writeFileSync(
            path.join(tmp, "stacks", "a.test.ts"),
            'import * as networking from "@pulumi/openstack/networking";\nnew networking.Trunk("t", {});\n',
        );
        const used = (pkg: string) =>
            execFileSync("python3", [tool("used-tokens.py"), pkg, path.join(tmp, "stacks")], {
                encoding: "utf8",
            }).trim();
        assert.strictEqual(
            used("openstack"),
            "openstack:networking/getNetwork:getNetwork,openstack:networking/secGroupRule:SecGroupRule",
        );
        assert.strictEqual(used("command"), "command:remote:Command");
    });

    it("compare-sdk.py counts a property the SDK does not have, and counts it as used when the program uses its resource", () => {
        const sdk = path.join(tmp, "sdk");
        fs.mkdirSync(path.join(sdk, "networking"), { recursive: true });
        fs.mkdirSync(path.join(sdk, "types"));
        fs.writeFileSync(
            path.join(sdk, "types", "input.d.ts"),
            "export declare namespace networking {\n    interface PortFixedIp {\n        subnetId: pulumi.Input<string>;\n    }\n}\n",
        );
        fs.writeFileSync(path.join(sdk, "types", "output.d.ts"), "");
        fs.writeFileSync(
            path.join(sdk, "provider.d.ts"),
            "export interface ProviderArgs {\n    region?: pulumi.Input<string>;\n}\n",
        );
        fs.writeFileSync(
            path.join(sdk, "networking", "port.d.ts"),
            "export interface PortArgs {\n    fixedIps?: pulumi.Input<pulumi.Input<inputs.networking.PortFixedIp>[]>;\n    name?: pulumi.Input<string>;\n}\n" +
                "export interface PortState {\n    fixedIps?: pulumi.Input<pulumi.Input<inputs.networking.PortFixedIp>[]>;\n    name?: pulumi.Input<string>;\n}\n",
        );
        fs.writeFileSync(
            path.join(sdk, "networking", "port.js"),
            "Port.__pulumiType = 'openstack:networking/port:Port';\n",
        );
        const fixedIps = { type: "array", items: { $ref: "#/types/openstack:networking/PortFixedIp:PortFixedIp" } };
        const schema = (typeProps: Record<string, unknown>) => ({
            provider: { inputProperties: { region: { type: "string" } } },
            resources: {
                "openstack:networking/port:Port": {
                    inputProperties: { fixedIps, name: { type: "string" } },
                    stateInputs: { properties: { fixedIps, name: { type: "string" } } },
                },
            },
            types: { "openstack:networking/PortFixedIp:PortFixedIp": { properties: typeProps } },
        });
        const compare = (s: object) => {
            fs.writeFileSync(path.join(tmp, "schema.json"), JSON.stringify(s));
            const r = spawnSync(
                "python3",
                [
                    tool("compare-sdk.py"),
                    path.join(tmp, "schema.json"),
                    sdk,
                    "--used",
                    "openstack:networking/port:Port",
                ],
                { encoding: "utf8" },
            );
            assert.strictEqual(r.status, 0, r.stderr);
            return r.stdout;
        };
        const good = compare(schema({ subnetId: { type: "string" } }));
        assert.match(good, /^mismatches: 0 \| resources: 1 .*object types checked: 1 of 1/m);
        assert.match(good, /^used mismatches: 0 /m);
        const bad = compare(schema({ subnetID: { type: "string" } }));
        assert.match(bad, /PortFixedIp input type: only in SDK \['subnetId'\]; only in provider schema \['subnetID'\]/);
        assert.match(bad, /^used mismatches: 1 /m, "the type is reached from the Port the program uses");
    });
});
