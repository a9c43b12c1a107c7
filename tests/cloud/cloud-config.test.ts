// The all-in-one's pure decisions: the services' config files, the daemons' command lines (every
// listener on loopback), the lock file rules, clouds.yaml and the shell exports of `cloud -- env`.
import * as assert from "assert";
import { execFileSync } from "child_process";
import * as fs from "fs";
import { parse } from "yaml";
import { iniValue, renderIni } from "../../cloud/ini";
import { cloudPaths, DATABASES, EXTERNAL, LOOPBACK, PORTS, TENANT } from "../../cloud/layout";
import { CloudSecrets, dbUrl, gunicornConf, renderAllConfigs } from "../../cloud/service-config";
import { daemonSpecs, rabbitmqConf, rabbitmqEnv, WSGI_APIS } from "../../cloud/services";
import { LOCK_FILE, lockKey, lockProblems, venvDir } from "../../cloud/venv";
import { cloudEnv, renderCloudsYaml } from "../../cloud/cloud";
import { databaseSql } from "../../cloud/databases";
import { shellExports } from "../../lab/engine-stacks";

const p = cloudPaths("/c");
const secrets: CloudSecrets = { dbPassword: "d'b", adminPassword: "a", servicePassword: "s", tenantPassword: "t" };
const configs = renderAllConfigs(p, secrets, "/v");

describe("cloud: ini rendering", () => {
    it("writes sections in order, lists comma-joined, booleans as true/false, leaves undefined out", () => {
        const text = renderIni({ a: { x: 1, y: ["p", "q"], z: false, gone: undefined }, b: { k: "v" } });
        assert.strictEqual(text, "[a]\nx = 1\ny = p,q\nz = false\n\n[b]\nk = v\n");
        assert.strictEqual(iniValue(text, "a", "y"), "p,q");
        assert.strictEqual(iniValue(text, "b", "x"), undefined);
    });
    it("refuses a value that would end its line early (a second key smuggled in)", () => {
        assert.throws(() => renderIni({ a: { x: "1\ny = 2" } }), /\[a\] x: a value may not span lines/);
    });
});

describe("cloud: service configs", () => {
    it("every database URL is MariaDB over loopback on the cloud's port, one database each", () => {
        const urls = Object.values(configs).flatMap((t) => t.split("\n").filter((l) => l.includes("mysql+pymysql")));
        assert.ok(urls.length >= 5);
        for (const l of urls) assert.match(l, new RegExp(`@${LOOPBACK}:${PORTS.mariadb}/`));
        assert.strictEqual(
            dbUrl(secrets, "nova"),
            `mysql+pymysql://hvnf:d'b@127.0.0.1:${PORTS.mariadb}/nova?charset=utf8mb4`.replace(
                "d'b",
                encodeURIComponent("d'b"),
            ),
        );
    });
    it("nova runs the fake driver as the compute host the macvtap agent reports", () => {
        const nova = configs["nova/nova.conf"];
        assert.strictEqual(iniValue(nova, "DEFAULT", "compute_driver"), "fake.FakeDriver");
        assert.strictEqual(
            iniValue(nova, "DEFAULT", "host"),
            iniValue(configs["neutron/neutron.conf"], "DEFAULT", "host"),
        );
        assert.strictEqual(iniValue(nova, "conductor", "workers"), "1");
    });
    it("neutron: ML2 with port_security, macvtap on physnet1 (VLAN tenants), the router plugin, the venv's paste file, no sudo", () => {
        const n = configs["neutron/neutron.conf"];
        const ml2 = configs["neutron/ml2_conf.ini"];
        assert.strictEqual(iniValue(n, "DEFAULT", "service_plugins"), "router");
        assert.strictEqual(iniValue(n, "DEFAULT", "api_paste_config"), "/v/etc/neutron/api-paste.ini");
        assert.strictEqual(iniValue(ml2, "ml2", "extension_drivers"), "port_security");
        assert.strictEqual(iniValue(ml2, "ml2", "mechanism_drivers"), "macvtap");
        assert.strictEqual(iniValue(ml2, "ml2", "tenant_network_types"), "vlan");
        assert.strictEqual(iniValue(configs["neutron/macvtap_agent.ini"], "securitygroup", "firewall_driver"), "noop");
        assert.ok(!/sudo/.test(n));
        for (const section of ["privsep", "privsep_link"])
            assert.strictEqual(iniValue(n, section, "helper_command"), "/v/bin/privsep-helper", section);
    });
    it("gunicorn binds loopback only and clears the command line the services would parse", () => {
        const text = gunicornConf({ wsgiApp: "keystone.wsgi.api:application", port: 1234 });
        assert.match(text, /^sys\.argv = sys\.argv\[:1\]$/m);
        assert.match(text, /^bind = \["127\.0\.0\.1:1234"\]$/m);
        assert.match(text, /^workers = 1$/m);
    });
});

describe("cloud: daemons", () => {
    const specs = daemonSpecs(p, "/v");
    it("are the database, the broker, five WSGI APIs and the RPC daemons, each named once", () => {
        const names = specs.map((d) => d.name);
        assert.deepStrictEqual(new Set(names).size, names.length);
        for (const n of [
            "mariadb",
            "epmd",
            "rabbitmq",
            "nova-conductor",
            "nova-scheduler",
            "nova-compute",
            "neutron-rpc-server",
            "neutron-macvtap-agent",
        ])
            assert.ok(names.includes(n), n);
        for (const a of WSGI_APIS) assert.ok(names.includes(a.name), a.name);
    });
    it("every listener is on 127.0.0.1: MariaDB, epmd, RabbitMQ (AMQP and Erlang distribution)", () => {
        const argv = (n: string) => specs.find((d) => d.name === n)!.argv.join(" ");
        assert.match(argv("mariadb"), /--bind-address=127\.0\.0\.1/);
        assert.match(argv("epmd"), /-address 127\.0\.0\.1/);
        const env = rabbitmqEnv(p);
        assert.strictEqual(env.ERL_EPMD_ADDRESS, LOOPBACK);
        assert.strictEqual(env.RABBITMQ_NODE_IP_ADDRESS, LOOPBACK);
        assert.match(env.RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS, /inet_dist_use_interface \{127,0,0,1\}/);
        assert.match(env.RABBITMQ_CTL_ERL_ARGS, /inet_dist_use_interface \{127,0,0,1\}/);
        assert.match(
            rabbitmqConf(),
            new RegExp(`^listeners\\.tcp\\.default = 127\\.0\\.0\\.1:${PORTS.rabbitmq}$`, "m"),
        );
    });
    it("no two listeners share a port", () => {
        const ports = Object.values(PORTS);
        assert.strictEqual(new Set(ports).size, ports.length);
    });
});

describe("cloud: lock file and venv key", () => {
    it("the committed lock pins every package with == and a sha256 hash, the five services at their 2026.2 versions", () => {
        const text = fs.readFileSync(LOCK_FILE, "utf8");
        assert.deepStrictEqual(lockProblems(text), []);
        for (const pin of [
            "keystone==30.0.0",
            "glance==33.0.0",
            "openstack-placement==16.0.0",
            "nova==34.0.0",
            "neutron==29.0.0",
        ])
            assert.ok(text.includes(pin), pin);
    });
    it("names what is not pinned or not hashed", () => {
        assert.deepStrictEqual(
            lockProblems(
                "a==1 --hash=sha256:" + "0".repeat(64) + "\nb>=2 --hash=sha256:" + "1".repeat(64) + "\nc==3\n",
            ),
            ["b>=2: not pinned with ==", "c==3: no sha256 hash"],
        );
    });
    it("a changed lock makes a different venv folder", () => {
        assert.notStrictEqual(venvDir("/c", "a==1"), venvDir("/c", "a==2"));
        assert.strictEqual(lockKey("x"), lockKey("x"));
    });
});

describe("cloud: clouds.yaml and env", () => {
    it("the stacks' cloud authenticates with the application credential only; the admin cloud is separate", () => {
        const doc = parse(renderCloudsYaml(secrets, { id: "ID", secret: "SEC" }));
        const c = doc.clouds[TENANT.cloudName];
        assert.strictEqual(c.auth_type, "v3applicationcredential");
        assert.deepStrictEqual(Object.keys(c.auth).sort(), [
            "application_credential_id",
            "application_credential_secret",
            "auth_url",
        ]);
        assert.strictEqual(c.auth.auth_url, `http://127.0.0.1:${PORTS.keystone}/v3`);
        assert.strictEqual(doc.clouds[TENANT.adminCloudName].auth.username, "admin");
    });
    it("env names the cache folder's clouds.yaml (never ~/.config/openstack) and the stacks' cloud; a shell evaluates it", () => {
        const env = cloudEnv(p);
        assert.strictEqual(env.OS_CLIENT_CONFIG_FILE, "/c/state/clouds.yaml");
        assert.strictEqual(env.OS_CLOUD, TENANT.cloudName);
        const out = execFileSync("sh", [
            "-c",
            shellExports(env, "/tmp") + 'printf "%s %s" "$OS_CLIENT_CONFIG_FILE" "$OS_CLOUD"',
        ]).toString();
        assert.strictEqual(out, `/c/state/clouds.yaml ${TENANT.cloudName}`);
    });
});

describe("cloud: databases", () => {
    it("one database per schema and one loopback user, with the password's quote escaped", () => {
        const text = databaseSql(secrets);
        for (const db of DATABASES) assert.ok(text.includes(`CREATE DATABASE IF NOT EXISTS \`${db}\``), db);
        assert.match(text, /CREATE USER IF NOT EXISTS 'hvnf'@'127\.0\.0\.1' IDENTIFIED BY 'd\\'b';/);
    });
    it("the external network is TEST-NET-3 with its pool inside it", () => {
        assert.strictEqual(EXTERNAL.cidr, "203.0.113.0/24");
        assert.match(EXTERNAL.pool.start, /^203\.0\.113\./);
        assert.match(EXTERNAL.pool.end, /^203\.0\.113\./);
    });
});
