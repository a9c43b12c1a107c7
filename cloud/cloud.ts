// `npm run cloud -- up|down|status|env` as a library: an OpenStack all-in-one on this machine.
// up: venv (cached, keyed by the lock) → host bits (bridge, unreachable route) → MariaDB and
// RabbitMQ on loopback → configs → databases (migrated, or loaded from the dump taken after the
// migrations) → keystone → the other services → API objects → clouds.yaml. Idempotent: a running
// daemon is left running, bootstrap finds before it creates.
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
import { stringify } from "yaml";
import { run } from "../lab/sh";
import {
    CloudPaths,
    COMPUTE_HOST,
    EXTERNAL,
    FLAVORS,
    IMAGE_NAME,
    PHYSNET,
    PHYS_BRIDGE,
    PORTS,
    REGION,
    TENANT,
    cloudPaths,
} from "./layout";
import { CloudSecrets, KEYSTONE_URL, SERVICE_USERS, gunicornConf, renderAllConfigs, url } from "./service-config";
import { DaemonSpec, WSGI_APIS, daemonSpecs, gunicornConfPath, rabbitmqConf } from "./services";
import { DaemonFailed, logFile, portOpen, runningPid, startDaemon, stopDaemon, waitReady } from "./processes";
import { ensureVenv, lockKey, LOCK_FILE, venvDir } from "./venv";
import { Log, Step, manage, stepper, venvEnv } from "./steps";
import { restoreOrMigrate } from "./databases";
import { Quotas, quotaTable } from "./quotas";
import { keepRegistriesReachable } from "./host-routes";

export interface CloudInfo {
    paths: CloudPaths;
    venv: string;
    cloudsYaml: string;
    quotasBefore: Quotas;
    quotasAfter: Quotas;
    appCredentialRoles: string[];
    tenantRoles: string[];
}

/** Secrets live in the cache (not in state): the database dump's cell mappings hold the DB password. */
export function loadSecrets(p: CloudPaths): CloudSecrets {
    const file = path.join(p.cache, "secrets.json");
    if (fs.existsSync(file)) return JSON.parse(fs.readFileSync(file, "utf8"));
    const word = () => crypto.randomBytes(18).toString("base64url");
    const s: CloudSecrets = {
        dbPassword: word(),
        adminPassword: word(),
        servicePassword: word(),
        tenantPassword: word(),
    };
    fs.mkdirSync(p.cache, { recursive: true });
    fs.writeFileSync(file, JSON.stringify(s, null, 2) + "\n", { mode: 0o600 });
    return s;
}

/** clouds.yaml: the stacks' cloud (the member user's application credential) and an admin cloud for checks. */
export function renderCloudsYaml(s: CloudSecrets, appCredential: { id: string; secret: string }): string {
    const common = { region_name: REGION, interface: "public", identity_api_version: 3 };
    return stringify({
        clouds: {
            [TENANT.cloudName]: {
                auth_type: "v3applicationcredential",
                auth: {
                    auth_url: KEYSTONE_URL,
                    application_credential_id: appCredential.id,
                    application_credential_secret: appCredential.secret,
                },
                ...common,
            },
            [TENANT.adminCloudName]: {
                auth: {
                    auth_url: KEYSTONE_URL,
                    username: "admin",
                    password: s.adminPassword,
                    project_name: "admin",
                    user_domain_name: "Default",
                    project_domain_name: "Default",
                },
                ...common,
            },
        },
    });
}

/** What `cloud -- env` prints: the CLI and the provider find the cloud through these alone. */
export function cloudEnv(p: CloudPaths, cloud: string = TENANT.cloudName): Record<string, string> {
    return { OS_CLIENT_CONFIG_FILE: p.cloudsYaml, OS_CLOUD: cloud };
}

async function hostNetwork(): Promise<void> {
    // macvtap's physnet1 needs an interface that exists; no dummy module here, so a bridge with nothing on it.
    if ((await run(["ip", "link", "show", PHYS_BRIDGE], { allowFail: true })).code !== 0)
        await run(["ip", "link", "add", PHYS_BRIDGE, "type", "bridge"]);
    await run(["ip", "link", "set", PHYS_BRIDGE, "up"]);
    // Nothing addressed to the external network may leave this machine, except the registries.
    const kept = await keepRegistriesReachable(EXTERNAL.cidr);
    fs.mkdirSync(path.dirname(keptRoutesFile()), { recursive: true });
    fs.writeFileSync(keptRoutesFile(), JSON.stringify(kept) + "\n");
    await run(["ip", "route", "replace", "unreachable", EXTERNAL.cidr]);
}

/** The registry host routes `up` added (kept beside the state, read back by `down`). */
const keptRoutesFile = () => path.join(cloudPaths().state, "registry-routes.json");

/** An RPC-only daemon counts as started once it has stayed up this long (a bad config kills it sooner). */
const RPC_SETTLE_MS = 8000;
const aliveFor = (ms: number) => {
    const since = Date.now();
    return async () => Date.now() - since >= ms;
};

async function startStage(p: CloudPaths, venv: string, specs: DaemonSpec[], step: Step): Promise<void> {
    for (const d of specs) startDaemon(p, d.name, d.argv, venvEnv(venv, d.env));
    await Promise.all(
        specs.map((d) =>
            step(`${d.name} ready${d.port ? ` on 127.0.0.1:${d.port}` : ""}`, () =>
                waitReady(p, d.name, d.port ? () => portOpen(d.port!) : aliveFor(RPC_SETTLE_MS), 180_000),
            ),
        ),
    );
}

async function prepareBase(p: CloudPaths, venv: string): Promise<void> {
    for (const dir of [p.etc, p.logs, p.run, p.rabbit, path.join(p.rabbit, "home"), p.glanceImages])
        fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(p.rabbit, "rabbitmq.conf"), rabbitmqConf());
    fs.writeFileSync(path.join(p.rabbit, "enabled_plugins"), "[].\n");
    fs.writeFileSync(path.join(p.rabbit, "rabbitmq-env.conf"), "");
    if (!fs.existsSync(path.join(p.mysqlData, "mysql"))) {
        await run(
            [
                "mariadb-install-db",
                "--user=root",
                `--datadir=${p.mysqlData}`,
                "--auth-root-authentication-method=socket",
                "--skip-test-db",
            ],
            { timeoutMs: 120_000 },
        );
    }
    void venv;
}

function writeConfigs(p: CloudPaths, s: CloudSecrets, venv: string): void {
    for (const [rel, text] of Object.entries(renderAllConfigs(p, s, venv))) {
        fs.mkdirSync(path.dirname(path.join(p.etc, rel)), { recursive: true });
        fs.writeFileSync(path.join(p.etc, rel), text, { mode: 0o600 });
    }
    // The paste pipelines ship with the services; they are read from the config folders.
    fs.copyFileSync(path.join(venv, "etc", "nova", "api-paste.ini"), path.join(p.etc, "nova", "api-paste.ini"));
    fs.copyFileSync(
        path.join(venv, "etc", "glance", "glance-api-paste.ini"),
        path.join(p.etc, "glance", "glance-api-paste.ini"),
    );
    fs.mkdirSync(path.join(p.etc, "gunicorn"), { recursive: true });
    for (const api of WSGI_APIS)
        fs.writeFileSync(gunicornConfPath(p, api), gunicornConf({ wsgiApp: api.module, port: api.port }));
    for (const dir of ["keystone/fernet-keys", "keystone/credential-keys", "nova/instances", "neutron", "locks"])
        fs.mkdirSync(path.join(p.state, dir), { recursive: true });
}

/** bootstrap.py's answer to one request (identity or resources). */
export async function bootstrap<T>(
    venv: string,
    what: "identity" | "resources" | "health" | "inventory",
    request: object,
    log: Log,
): Promise<T> {
    const r = await run([path.join(venv, "bin", "python"), path.join(__dirname, "bootstrap.py"), what], {
        timeoutMs: 600_000,
        env: venvEnv(venv, { HVNF_BOOTSTRAP_REQUEST: JSON.stringify(request) }),
    });
    for (const line of r.stderr.trim().split("\n").filter(Boolean)) log(line.trim());
    return JSON.parse(r.stdout) as T;
}

export function bootstrapRequest(s: CloudSecrets, quotas?: Quotas): object {
    return {
        keystoneUrl: KEYSTONE_URL,
        region: REGION,
        adminPassword: s.adminPassword,
        servicePassword: s.servicePassword,
        tenantPassword: s.tenantPassword,
        services: [
            { name: "glance", type: "image", url: url(PORTS.glance) },
            { name: "placement", type: "placement", url: url(PORTS.placement) },
            { name: "nova", type: "compute", url: url(PORTS.nova, "/v2.1") },
            { name: "neutron", type: "network", url: url(PORTS.neutron) },
        ],
        serviceUsers: SERVICE_USERS,
        tenant: TENANT,
        flavors: FLAVORS,
        image: IMAGE_NAME,
        external: EXTERNAL,
        physnet: PHYSNET,
        computeHost: COMPUTE_HOST,
        quotas,
    };
}

/** `quotas` may still be computing (the plan takes a while): it is awaited only when the quotas are set. */
export async function cloudUp(o: { log: Log; quotas: Promise<Quotas>; step?: Step }): Promise<CloudInfo> {
    const { log } = o;
    const step = o.step ?? stepper(log);
    const p = cloudPaths();
    const { dir: venv, reused } = await step("python venv (keyed by cloud/requirements.lock)", () =>
        ensureVenv(p.cache, log),
    );
    log(`venv ${venv} (${reused ? "reused" : "installed now"})`);
    const s = loadSecrets(p);
    const specs = daemonSpecs(p, venv);
    await step(`host network: bridge ${PHYS_BRIDGE}, unreachable route ${EXTERNAL.cidr}`, hostNetwork);
    await step("state folders, MariaDB data folder", () => prepareBase(p, venv));
    await startStage(
        p,
        venv,
        specs.filter((d) => d.stage === "base"),
        step,
    );
    writeConfigs(p, s, venv);
    // The migration code's source, not its transpiled text (which changes with the transpiler).
    const dumpKey = lockKey(
        fs.readFileSync(LOCK_FILE, "utf8") +
            JSON.stringify(s) +
            fs.readFileSync(path.join(__dirname, "databases.ts"), "utf8"),
    );
    await restoreOrMigrate(p, s, venv, dumpKey, step, log);
    await step("keystone keys and bootstrap admin", async () => {
        const kconf = ["--config-file", path.join(p.etc, "keystone", "keystone.conf")];
        await Promise.all(
            ["fernet_setup", "credential_setup"].map((what) =>
                manage(venv, [
                    "keystone-manage",
                    ...kconf,
                    what,
                    "--keystone-user",
                    "root",
                    "--keystone-group",
                    "root",
                ]),
            ),
        );
        await manage(venv, [
            "keystone-manage",
            ...kconf,
            "bootstrap",
            "--bootstrap-password",
            s.adminPassword,
            "--bootstrap-admin-url",
            KEYSTONE_URL,
            "--bootstrap-public-url",
            KEYSTONE_URL,
            "--bootstrap-internal-url",
            KEYSTONE_URL,
            "--bootstrap-region-id",
            REGION,
        ]);
    });
    await startStage(
        p,
        venv,
        specs.filter((d) => d.stage === "identity"),
        step,
    );
    const ident = await step("keystone: catalog, service users, project and member user", () =>
        bootstrap<{ tenantRoles: string[] }>(venv, "identity", bootstrapRequest(s), log),
    );
    await startStage(
        p,
        venv,
        specs.filter((d) => d.stage === "services"),
        step,
    );
    await step(`nova-compute registered (${COMPUTE_HOST}) and mapped to cell1`, async () => {
        for (let i = 0; ; i++) {
            const novaManage = (...a: string[]) =>
                manage(venv, ["nova-manage", "--config-file", path.join(p.etc, "nova", "nova.conf"), "cell_v2", ...a], {
                    allowFail: true,
                });
            await novaManage("discover_hosts", "--verbose");
            // discover_hosts exits 0 before the compute node exists, mapping nothing: the scheduler
            // then picks the host and the conductor fails "No host-to-cell mapping found". Wait for the mapping.
            const mapped = (await novaManage("list_hosts")).stdout.includes(COMPUTE_HOST);
            const h = await bootstrap<{ computeUp: boolean; agentAlive: boolean }>(
                venv,
                "health",
                bootstrapRequest(s),
                () => undefined,
            ).catch(() => undefined);
            if (h?.computeUp && h.agentAlive && mapped) return;
            if (!runningPid(p, "nova-compute"))
                throw new DaemonFailed("nova-compute", "the process exited", logFile(p, "nova-compute"));
            if (i > 60)
                throw new DaemonFailed(
                    "nova-compute",
                    `compute up ${h?.computeUp}, macvtap agent alive ${h?.agentAlive} after ${i} tries`,
                    logFile(p, "nova-compute"),
                );
            await new Promise((r) => setTimeout(r, 3000));
        }
    });
    const quotas = await o.quotas;
    const res = await step("flavors, image, external network, quotas, application credential", () =>
        bootstrap<{
            quotasBefore: Quotas;
            quotasAfter: Quotas;
            appCredential: { id: string; secret: string; roles: string[] };
        }>(venv, "resources", bootstrapRequest(s, quotas), log),
    );
    log(`project ${TENANT.project} quotas:\n${quotaTable(res.quotasBefore, quotas, res.quotasAfter)}`);
    fs.writeFileSync(p.cloudsYaml, renderCloudsYaml(s, res.appCredential), { mode: 0o600 });
    log(
        `clouds.yaml: ${p.cloudsYaml} (cloud ${TENANT.cloudName}: application credential of ${TENANT.user}, roles ${res.appCredential.roles.join(",")})`,
    );
    return {
        paths: p,
        venv,
        cloudsYaml: p.cloudsYaml,
        quotasBefore: res.quotasBefore,
        quotasAfter: res.quotasAfter,
        appCredentialRoles: res.appCredential.roles,
        tenantRoles: ident.tenantRoles,
    };
}

/** Stops every daemon by its pid (in reverse start order), removes the host bits and the state. */
export async function cloudDown(log: Log): Promise<void> {
    const p = cloudPaths();
    const names = daemonSpecs(p, "/nonexistent")
        .map((d) => d.name)
        .reverse();
    for (const name of names) if (await stopDaemon(p, name)) log(`stopped ${name}`);
    await run(["ip", "route", "del", "unreachable", EXTERNAL.cidr], { allowFail: true });
    const kept: string[] = fs.existsSync(keptRoutesFile()) ? JSON.parse(fs.readFileSync(keptRoutesFile(), "utf8")) : [];
    for (const a of kept) await run(["ip", "route", "del", `${a}/32`], { allowFail: true });
    await run(["ip", "link", "del", PHYS_BRIDGE], { allowFail: true });
    fs.rmSync(p.state, { recursive: true, force: true });
    log(`removed ${p.state}`);
}

export async function cloudStatus(): Promise<string> {
    const p = cloudPaths();
    const rows: string[] = [];
    for (const d of daemonSpecs(p, "/nonexistent")) {
        const pid = runningPid(p, d.name);
        const port = d.port
            ? (await portOpen(d.port))
                ? ` 127.0.0.1:${d.port} answers`
                : ` 127.0.0.1:${d.port} closed`
            : "";
        rows.push(`${d.name.padEnd(24)}${pid ? `running pid ${pid}` : "stopped"}${port}`);
    }
    return rows.join("\n");
}

/** Up means: every daemon running and clouds.yaml written (the last thing `up` does). */
export function cloudIsUp(): boolean {
    const p = cloudPaths();
    return (
        fs.existsSync(p.cloudsYaml) && daemonSpecs(p, "/nonexistent").every((d) => runningPid(p, d.name) !== undefined)
    );
}

/** The venv of the committed lock, if installed (for the API checks of a running cloud). */
export function installedVenv(): string {
    const p = cloudPaths();
    return venvDir(p.cache, fs.readFileSync(LOCK_FILE, "utf8"));
}
